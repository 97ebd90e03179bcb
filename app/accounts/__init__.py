"""The accounts area: its pages (``views.bp``) and account security (hashing, password rules,
login throttle, sessions, security log).

The blueprint is not imported here: the security modules are imported by the policy and the
request pipeline, and importing the views with them would load the forms and services
before the policy they depend on exists (an import cycle at start-up).
"""
