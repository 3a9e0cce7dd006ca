"""eventwire: political event data from dated news text."""

from eventwire.models import Actor, Article, Event, EventDate, Place, Reject

__version__ = "0.1.0"
CODER_VERSION = f"eventwire-{__version__}"

__all__ = [
    "Actor",
    "Article",
    "Event",
    "EventDate",
    "Place",
    "Reject",
    "__version__",
    "CODER_VERSION",
]
