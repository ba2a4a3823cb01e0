"""The roll-up import on PostgreSQL, whose columns refuse what SQLite keeps: a file that cannot
be merged whole leaves nothing written (review finding 8)."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.exc import DataError

from core import db
from core.errors import Invalid
from initiatives import rollup
from initiatives.models import Initiative, RollupSigner
from initiatives.rollup import import_files, public_hex, sign


def payload(unit_code, staff, count):
    return {
        "format": "sangtao-rollup",
        "version": 2,
        "unit": "",
        "units": [
            {
                "code": unit_code,
                "name": "Điện lực " + unit_code,
                "parent": None,
                "staff_count": staff,
            }
        ],
        "initiatives": [
            {
                "global_id": f"{unit_code}:{number}",
                "unit": unit_code,
                "code": f"{unit_code}-{number}",
                "title": f"Sáng kiến {number}",
                "summary": "",
                "investor": "",
                "field": "",
                "theme": "",
                "prior_state": "",
                "solution": "",
                "applicability": "",
                "effects": "",
                "benefit_vnd": None,
                "benefit_actual_vnd": None,
                "non_monetary_benefits": "",
                "decision_number": "",
                "solution_type": "technical",
                "scope": "unit",
                "recognition_level": None,
                "first_applied_on": None,
                "decision_date": None,
                "authors": [],
            }
            for number in range(count)
        ],
    }


def signed_pair(app, first_code, second_code, second_staff):
    keys = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with app.app_context(), db.unit_of_work(write=True) as session:
        for number, key in enumerate(keys):
            session.add(RollupSigner(name=f"Đơn vị {number}", public_key=public_hex(key)))
    return [
        ("a.sangtao", sign(payload(first_code, 900, 150), keys[0])),
        ("b.sangtao", sign(payload(second_code, second_staff, 5), keys[1])),
    ]


def written(app, *codes):
    with app.app_context(), db.unit_of_work() as session:
        return session.scalar(
            select(func.count())
            .select_from(Initiative)
            .where(
                Initiative.global_id.like(f"{codes[0]}:%")
                | Initiative.global_id.like(f"{codes[1]}:%")
            )
        )


def test_a_staff_count_beyond_integer_refuses_the_lot(postgres_app):
    files = signed_pair(postgres_app, "PCPGA", "PCPGB", 2**40)
    with postgres_app.test_request_context(), pytest.raises(Invalid) as refused:
        import_files(files, "test")
    assert "b.sangtao" in refused.value.message
    assert written(postgres_app, "PCPGA", "PCPGB") == 0


def test_a_database_error_during_the_merge_refuses_the_lot(postgres_app, monkeypatch):
    """Whatever the database refuses half-way, the files before it are not written either."""
    files = signed_pair(postgres_app, "PCPGC", "PCPGD", 900)
    merge_one = rollup._merge_one

    def refusing(session, row, unit_ids, merged):
        if row["unit"] == "PCPGD":
            raise DataError("INSERT", {}, Exception("value out of range"))
        merge_one(session, row, unit_ids, merged)

    monkeypatch.setattr(rollup, "_merge_one", refusing)
    with postgres_app.test_request_context(), pytest.raises(Invalid) as refused:
        import_files(files, "test")
    assert refused.value.code == "rollup_not_written" and "b.sangtao" in refused.value.message
    assert written(postgres_app, "PCPGC", "PCPGD") == 0
