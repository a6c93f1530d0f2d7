"""The till's behaviour: one user action is one service call and one transaction."""
