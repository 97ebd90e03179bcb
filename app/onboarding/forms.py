"""The forms behind an e-mailed link: a button to confirm, the invited person's account."""

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from app.accounts.forms import RegistrationForm
from app.accounts.password_rules import password_problem


class ConfirmForm(FlaskForm):
    """One button (a POST: mail scanners that open links confirm nothing)."""


class InvitationAccountForm(RegistrationForm):
    """The registration form without its address: the invitation's address is the account's
    (opening the link proved it is theirs)."""

    email = None

    def __init__(self, invited_email: str, **kwargs):
        super().__init__(**kwargs)
        self.invited_email = invited_email

    def validate_password(self, field):
        problem = password_problem(
            field.data, email=self.invited_email, pseudonym=self.pseudonym.data or ""
        )
        if problem:
            raise ValidationError(problem)
