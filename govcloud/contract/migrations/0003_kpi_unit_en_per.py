from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contract', '0002_integrity_tag'),
    ]

    operations = [
        migrations.AddField(
            model_name='kpi',
            name='unit_en',
            field=models.CharField(blank=True, max_length=20, verbose_name='English unit'),
        ),
        migrations.AddField(
            model_name='kpi',
            name='per',
            field=models.CharField(blank=True, help_text='year: the target is a promise over a calendar year.', max_length=8, verbose_name='judged over'),
        ),
    ]
