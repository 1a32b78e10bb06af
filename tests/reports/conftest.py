"""Fixtures of the reports tests."""

import pytest

from tests.reports.monthly_helpers import make_data


@pytest.fixture
def data(personas):
    """A county with old stock, new and closed hazards of both levels in two towns; another
    county with a little of everything."""
    return make_data(personas)
