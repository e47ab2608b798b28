"""The SQLite app database: users, audit log and other state that changes while serving."""

from cockpit.appdb.database import AppDatabaseError, connect
from cockpit.appdb.users import (
    User,
    UserError,
    add_user,
    audit,
    audit_detail,
    authenticate,
    create_demo_users,
    generate_password,
    get_user,
    list_users,
    remove_user,
    set_password,
    set_role,
)

__all__ = [
    "AppDatabaseError",
    "User",
    "UserError",
    "add_user",
    "audit",
    "audit_detail",
    "authenticate",
    "connect",
    "create_demo_users",
    "generate_password",
    "get_user",
    "list_users",
    "remove_user",
    "set_password",
    "set_role",
]
