"""Form fields shared by several areas' forms."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import ValidationError

from app.calendar import EARLIEST_DAY, LATEST_DAY, in_calendar
from app.text import too_long_message

OUT_OF_CALENDAR = _l("Indiquez une date entre %(first)d et %(last)d.")


class CalendarDateField(DateField):
    """A date inside the site's window (``app.calendar``): a day outside it is an error by
    the field, the text typed kept, and no date for the form's other checks to compute on."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not in_calendar(self.data):
            self.data = None
            message = OUT_OF_CALENDAR % {"first": EARLIEST_DAY.year, "last": LATEST_DAY.year}
            self.process_errors.append(message)


class BlankIsEmpty:
    """An empty input is left to the required validator alone (one message, not two), and
    an unreadable one gets a message that shows the expected form."""

    invalid_message = ""

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.invalid_message)) from None


class DayField(BlankIsEmpty, CalendarDateField):
    """A day typed or picked: blank is no day, an unreadable one says the expected form."""

    invalid_message = _l("Indiquez une date valide (jj/mm/aaaa).")


class MaxChars:
    """A text of at most `maximum` characters: a longer one is refused with its length (never
    cut, neither here nor by a maxlength in the page), and the form shows it back."""

    def __init__(self, maximum: int):
        self.maximum = maximum
        self.field_flags = {"maxchars": maximum}

    def __call__(self, form, field):
        count = len(field.data or "")
        if count > self.maximum:
            raise ValidationError(too_long_message(count, self.maximum))
