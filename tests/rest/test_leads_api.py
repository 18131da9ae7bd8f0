"""REST on leads: edit status and fields (422 names the field), notes with their author, CSV."""

import csv
import io

from fastapi.testclient import TestClient

from callcenter.accounts import service as accounts
from callcenter.db.models import Lead, LeadStatus
from callcenter.db.session import session_scope


def make_lead(**fields: object) -> int:
    with session_scope() as session:
        lead = Lead(**fields)  # type: ignore[arg-type]
        session.add(lead)
        session.flush()
        assert lead.id is not None
        return lead.id


def test_patch_changes_status_and_normalises_fields(client: TestClient) -> None:
    lead_id = make_lead(name="Dana", phone="+15550001111")
    response = client.patch(
        f"/api/leads/{lead_id}",
        json={"status": "qualified", "email": " Dana@Reyes.COM ", "phone": "(415) 555-0134"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "qualified"
    assert body["email"] == "dana@reyes.com"
    assert body["phone"] == "+14155550134"
    assert body["name"] == "Dana"  # untouched
    notes = client.get(f"/api/leads/{lead_id}").json()["notes"]
    assert notes[0]["text"] == "Status changed from new to qualified"
    assert notes[0]["author"] == "api"


def test_patch_with_an_invalid_field_is_422_naming_it(client: TestClient) -> None:
    lead_id = make_lead(name="Dana")
    for payload, field in [
        ({"email": "not an email"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"status": "maybe"}, "status"),
        ({"colour": "blue"}, "colour"),
    ]:
        response = client.patch(f"/api/leads/{lead_id}", json=payload)
        assert response.status_code == 422, payload
        assert response.json()["detail"].startswith(field), response.json()
    assert client.get(f"/api/leads/{lead_id}").json()["status"] == LeadStatus.new.value


def test_patch_can_clear_a_field(client: TestClient) -> None:
    lead_id = make_lead(name="Dana", need="a website")
    assert client.patch(f"/api/leads/{lead_id}", json={"need": ""}).json()["need"] is None


def test_unknown_lead_is_404_for_patch_and_notes(client: TestClient) -> None:
    assert client.patch("/api/leads/999", json={"status": "won"}).status_code == 404
    assert client.post("/api/leads/999/notes", json={"text": "hi"}).status_code == 404


def test_a_note_is_201_and_shows_on_the_lead_with_its_author(client: TestClient) -> None:
    lead_id = make_lead(name="Dana")
    response = client.post(f"/api/leads/{lead_id}/notes", json={"text": "Called back, keen."})
    assert response.status_code == 201
    assert response.json()["author"] == "api"
    notes = client.get(f"/api/leads/{lead_id}").json()["notes"]
    assert [n["text"] for n in notes] == ["Called back, keen."]


def test_a_dashboard_user_is_the_author_of_their_notes(client: TestClient) -> None:
    lead_id = make_lead(name="Dana")
    with session_scope() as session:
        signed = accounts.sign_in(
            session=session, email="admin@example.com", password="admin-password-1", ttl_hours=1
        )
    response = client.post(
        f"/api/leads/{lead_id}/notes",
        json={"text": "Sent pricing"},
        headers={"Authorization": f"Bearer {signed.token}"},
    )
    assert response.json()["author"] == "admin@example.com"


def test_an_empty_note_is_422(client: TestClient) -> None:
    lead_id = make_lead(name="Dana")
    response = client.post(f"/api/leads/{lead_id}/notes", json={"text": "   "})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("text")


def test_csv_export_lists_the_filtered_leads(client: TestClient) -> None:
    make_lead(name="Dana Reyes", email="dana@reyes.com", phone="+15550001111")
    make_lead(name="=HYPERLINK(1)", status=LeadStatus.won)
    response = client.get("/api/leads.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["name"] for r in rows} == {"Dana Reyes", "'=HYPERLINK(1)"}
    dana = next(r for r in rows if r["name"] == "Dana Reyes")
    assert dana["phone"] == "+15550001111"
    won = client.get("/api/leads/export.csv", params={"status": "won"}).text
    assert len(list(csv.DictReader(io.StringIO(won)))) == 1


def test_csv_export_needs_auth(client: TestClient) -> None:
    assert client.get("/api/leads.csv", headers={"Authorization": ""}).status_code == 401
