"""System credentials: SM4 ciphertext only, bound to their row, for purchaser roles only."""

from __future__ import annotations

from html import escape

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from govcloud.access import services
from govcloud.access.models import SystemCredential
from govcloud.access.tests.conftest import SECRET
from govcloud.audit.models import AuditEvent
from govcloud.lib.gmcrypto import sm4_decrypt


def raw_secret_column(credential) -> bytes:
    table = connection.ops.quote_name(SystemCredential._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {table} WHERE id = %s", [credential.pk])
        return bytes(cursor.fetchone()[0])


def test_the_database_column_holds_no_plaintext(credential):
    stored = raw_secret_column(credential)
    assert SECRET.encode() not in stored and SECRET.encode("utf-16") not in stored
    assert len(stored) >= len(SECRET.encode()) + 28


def test_the_purchaser_reveals_the_secret_and_the_reveal_is_recorded(cast, credential):
    assert services.reveal_credential(credential, actor=cast.purchaser_admin) == SECRET
    assert services.reveal_credential(credential, actor=cast.purchaser_staff) == SECRET
    reveals = AuditEvent.objects.filter(action="credential.reveal")
    assert reveals.count() == 2
    for event in AuditEvent.objects.all():
        assert SECRET not in str(event.details) and SECRET not in event.target_repr


def test_a_ciphertext_moved_to_another_row_fails_to_decrypt_with_a_clear_error(cast, credential):
    other = services.store_credential(cast.system_a1, actor=cast.purchaser_admin,
                                      label="应用管理员", username="app", secret="other")
    SystemCredential.objects.filter(pk=other.pk).update(secret=raw_secret_column(credential))
    other.refresh_from_db()
    with pytest.raises(services.CredentialUnreadable) as unreadable:
        services.reveal_credential(other, actor=cast.purchaser_admin)
    message = str(unreadable.value)
    assert "应用管理员" in message and f"credential id {other.pk}" in message
    assert SECRET not in message


def test_storing_the_same_label_again_replaces_the_secret(cast, credential):
    services.store_credential(cast.system_a1, actor=cast.purchaser_staff, label="数据库 root",
                              username="root", secret="new-one")
    assert SystemCredential.objects.filter(system=cast.system_a1, label="数据库 root").count() == 1
    credential.refresh_from_db()
    assert services.reveal_credential(credential, actor=cast.purchaser_admin) == "new-one"


def test_the_key_comes_from_the_environment_when_set(cast, monkeypatch):
    key = bytes(range(16))
    monkeypatch.setenv("GOVCLOUD_CREDENTIALS_KEY", key.hex())
    credential = services.store_credential(cast.system_a1, actor=cast.purchaser_admin,
                                           label="k", username="", secret=SECRET)
    stored = raw_secret_column(credential)
    assert sm4_decrypt(key, stored, credential.associated_data()).decode() == SECRET


def test_the_key_comes_from_the_key_file_otherwise(cast, settings, credential):
    key_file = settings.DATA_DIR / "keys" / "credentials.key"
    key = bytes.fromhex(key_file.read_text().strip())
    stored = raw_secret_column(credential)
    assert sm4_decrypt(key, stored, credential.associated_data()).decode() == SECRET
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("role", ["provider_operator", "provider_manager", "vendor_a",
                                  "supervisor", "system_admin", "security_admin",
                                  "audit_admin", "outsider"])
def test_no_other_role_stores_reveals_or_sees_a_credential(cast, credential, role):
    person = getattr(cast, role)
    assert not SystemCredential.objects.restrict(person).filter(system__contract=cast.contract_a)
    with pytest.raises(PermissionDenied):
        services.reveal_credential(credential, actor=person)
    with pytest.raises(PermissionDenied):
        services.store_credential(cast.system_a1, actor=person, label="x", username="",
                                  secret="y")


def test_purchaser_staff_handle_only_their_own_systems(cast):
    with pytest.raises(PermissionDenied):
        services.store_credential(cast.system_a2, actor=cast.purchaser_staff, label="x",
                                  username="", secret="y")


def test_str_and_repr_never_show_the_secret(credential):
    assert SECRET not in str(credential) and SECRET not in repr(credential)


def test_the_pages_list_add_and_reveal_for_the_purchaser(cast, client_for, settings, credential):
    client = client_for(cast.purchaser_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    listing = client.get(f"/credentials/?system={cast.system_a1.pk}").content.decode()
    assert "数据库 root" in listing and SECRET not in listing
    response = client.post("/credentials/new/", {"system": cast.system_a1.pk, "label": "ftp",
                                                 "username": "u", "secret": "s3cr3t-ftp"})
    assert response.status_code == 302
    assert "s3cr3t-ftp" not in client.get(response["Location"]).content.decode()
    response = client.post("/credentials/new/", {"system": cast.system_a1.pk, "label": "",
                                                 "username": "u", "secret": ""})
    html = response.content.decode()
    assert "Label: This field is required." in html and "Secret: This field is required." in html
    assert client.get(f"/credentials/{credential.pk}/reveal/").status_code == 405
    revealed = client.post(f"/credentials/{credential.pk}/reveal/")
    assert revealed.status_code == 200 and escape(SECRET) in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"].split(", ")


def test_the_api_lists_without_the_secret_and_reveals_on_post(cast, client_for, credential):
    client = client_for(cast.purchaser_admin)
    listing = client.get("/api/system-credentials/").json()["results"]
    assert listing[0]["label"] == "数据库 root" and "secret" not in listing[0]
    assert "secret" not in client.get(f"/api/system-credentials/{credential.pk}/").json()
    response = client.post("/api/system-credentials/", {
        "system": cast.system_a1.pk, "label": "api", "username": "x", "secret": "via-api"
    }, content_type="application/json")
    assert response.status_code == 201 and "via-api" not in response.content.decode()
    revealed = client.post(f"/api/system-credentials/{credential.pk}/reveal/").json()
    assert revealed["secret"] == SECRET
    assert client.get(f"/api/system-credentials/{credential.pk}/reveal/").status_code == 405


def test_the_api_refuses_a_provider_storing_a_credential(cast, client_for):
    response = client_for(cast.provider_manager).post("/api/system-credentials/", {
        "system": cast.system_a1.pk, "label": "api", "username": "x", "secret": "nope"
    }, content_type="application/json")
    assert response.status_code == 403
    assert not SystemCredential.objects.filter(label="api").exists()
