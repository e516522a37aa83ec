"""Command line: create-user from an environment variable, demo loading (idempotent)."""
from sqlalchemy import func, select

from gazette_app.extensions import db
from gazette_app.models import Document, User


def test_create_user_reads_password_from_environment(app, runner):
    result = runner.invoke(args=["create-user", "--username", "Hoa", "--role", "approver"],
                           env={"GAZETTE_USER_PASSWORD": "một-mật-khẩu-dài"})
    assert result.exit_code == 0, result.output
    assert "created user hoa with role approver" in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.username == "hoa" and user.check_password("một-mật-khẩu-dài")
    again = runner.invoke(args=["create-user", "--username", "hoa"],
                          env={"GAZETTE_USER_PASSWORD": "một-mật-khẩu-dài"})
    assert again.exit_code == 1 and "đã có" in again.output


def test_create_user_refuses_weak_password(runner):
    result = runner.invoke(args=["create-user", "--username", "hoa"],
                           env={"GAZETTE_USER_PASSWORD": "123"})
    assert result.exit_code == 1 and "ít nhất 10 ký tự" in result.output


def test_create_user_without_terminal_or_variable_says_what_to_do(runner):
    result = runner.invoke(args=["create-user", "--username", "hoa"],
                           env={"GAZETTE_USER_PASSWORD": ""})
    assert result.exit_code != 0 and "GAZETTE_USER_PASSWORD" in result.output


def test_demo_is_idempotent_and_prints_a_working_admin_password(app, runner, client, auth):
    first = runner.invoke(args=["demo", "--no-issues"])
    assert first.exit_code == 0, first.output
    password = first.output.strip().splitlines()[-1].split("password: ")[1]
    second = runner.invoke(args=["demo", "--no-issues"])
    assert "unchanged: 367" in second.output
    assert second.output.strip().splitlines()[-1].endswith(password)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Document)) == 367
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert auth.login("admin", password=password).status_code == 302
