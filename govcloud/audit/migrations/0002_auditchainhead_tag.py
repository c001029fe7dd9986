"""The chain head gets a tag of its own; a head that exists already is signed now."""

from django.db import migrations, models


def sign_existing_head(apps, schema_editor):
    from govcloud.audit.services import head_tag

    for head in apps.get_model("audit", "AuditChainHead").objects.all():
        head.tag = head_tag(head.first_sequence, head.first_previous_tag,
                            head.last_sequence, head.last_tag)
        head.save(update_fields=["tag"])


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="tag",
            field=models.CharField(blank=True, help_text="HMAC-SM3 of the chain's start and end.",
                                   max_length=64, verbose_name="tag"),
        ),
        migrations.RunPython(sign_existing_head, migrations.RunPython.noop),
    ]
