"""Login, roles, CSRF and the login throttle."""
from sqlalchemy import select

from gazette_app.extensions import db
from gazette_app.models import AuditEvent
from tests.support.web import PASSWORDS, csrf_token


def test_login_and_logout_are_audited(app, client, auth):
    response = auth.login("admin", role="admin")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/staff/").status_code == 302  # back to the login page
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["user.create", "auth.login", "auth.logout"]


def test_anonymous_is_sent_to_login(client):
    response = client.get("/staff/documents")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_wrong_password_is_refused(client, auth):
    auth.create("lan", "editor")
    response = auth.login("lan", password="không-đúng-mật-khẩu")
    assert response.status_code == 401
    assert "không đúng" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_post_without_csrf_token_is_refused(client, auth):
    auth.create("lan", "editor")
    response = client.post("/login", data={"username": "lan", "password": PASSWORDS["editor"]})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302  # not logged in
    auth.login("lan")
    response = client.post("/logout")  # a logged-in POST without token is refused too
    assert response.status_code == 400


def test_editor_cannot_reach_admin_pages(client, auth):
    auth.login("lan", role="editor")
    assert client.get("/staff/documents").status_code == 200
    assert client.get("/staff/users").status_code == 403
    token = csrf_token(client, "/staff/")
    response = client.post("/staff/users", data={"username": "hacker", "password": "x" * 12,
                                                 "role": "admin", "csrf_token": token})
    assert response.status_code == 403


def test_admin_creates_account_with_password_policy(app, client, auth):
    auth.login("admin", role="admin")
    token = csrf_token(client, "/staff/users")
    weak = client.post("/staff/users", data={"username": "mai", "password": "ngắn",
                                             "role": "editor", "csrf_token": token},
                       follow_redirects=True)
    assert "ít nhất 10 ký tự" in weak.get_data(as_text=True)
    ok = client.post("/staff/users", data={"username": "mai", "password": "một-mật-khẩu-dài",
                                           "role": "approver", "csrf_token": token})
    assert ok.status_code == 302
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create",
                                                           AuditEvent.object_id != "1"))
        assert event.actor_name == "admin" and event.after["role"] == "approver"


def test_repeated_failures_lock_the_account(app, client, auth):
    auth.create("lan", "editor")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        assert auth.login("lan", password="sai-mật-khẩu-rồi").status_code == 401
    # The failure that reaches the limit already tells the user the account is locked.
    assert auth.login("lan", password="sai-mật-khẩu-rồi").status_code == 429
    locked = auth.login("lan", password=PASSWORDS["editor"])  # right password, still locked
    assert locked.status_code == 429
    assert "tạm khoá" in locked.get_data(as_text=True).lower()
    assert client.get("/staff/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) \
            == "auth.login_refused"


def test_lock_does_not_touch_other_accounts(client, auth):
    auth.create("lan", "editor")
    for _ in range(5):
        auth.login("lan", password="sai-mật-khẩu-rồi")
    assert auth.login("admin", role="admin").status_code == 302


def test_open_redirect_after_login_is_refused(client, auth):
    auth.create("lan", "editor")
    token = csrf_token(client)
    response = client.post("/login?next=//evil.example/x", data={
        "username": "lan", "password": PASSWORDS["editor"], "csrf_token": token})
    assert response.headers["Location"].endswith("/staff/")
