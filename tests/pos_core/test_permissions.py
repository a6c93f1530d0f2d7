from pos_core.permissions import (
    PERMISSIONS,
    Action,
    Role,
    may_act_alone,
    may_approve,
    required_role,
)


def test_every_action_has_a_rule():
    assert set(PERMISSIONS) == set(Action)


def test_roles_are_ranked():
    assert Role.CASHIER.rank < Role.SUPERVISOR.rank < Role.MANAGER.rank < Role.ADMIN.rank


def test_cashier_needs_approval_where_the_table_says():
    assert may_act_alone(Role.CASHIER, Action.SELL)
    assert not may_act_alone(Role.CASHIER, Action.VOID_AFTER_TENDER)
    assert required_role(Action.VOID_AFTER_TENDER) is Role.SUPERVISOR
    assert may_approve(Role.SUPERVISOR, Action.VOID_AFTER_TENDER)
    assert not may_approve(Role.SUPERVISOR, Action.RETURN_WITHOUT_RECEIPT)
    assert may_approve(Role.MANAGER, Action.RETURN_WITHOUT_RECEIPT)
    assert may_act_alone(Role.ADMIN, Action.REENROL_TILL)


def test_a_cashier_never_approves_anything():
    for action in Action:
        assert not may_approve(Role.CASHIER, action)
