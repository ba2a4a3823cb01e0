import pytest
from sqlalchemy.exc import IntegrityError

from core import db
from kiosk.models import Ballot, BallotChannel, Vote


def test_a_ballot_votes_once(app, factory):
    event = factory.event()
    exhibit = factory.exhibit(event)
    with app.app_context(), db.unit_of_work(write=True) as session:
        ballot = Ballot(event_id=event.id, channel=BallotChannel.KIOSK)
        session.add(ballot)
        session.flush()
        session.add(Vote(ballot_id=ballot.id, exhibit_id=exhibit.id))
        session.commit()
        session.add(Vote(ballot_id=ballot.id, exhibit_id=exhibit.id))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
