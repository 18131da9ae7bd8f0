"""The campaigns REST API: create with contacts, CSV upload, statuses, counts, contacts page."""

from fastapi.testclient import TestClient


def _create(client: TestClient, **body: object) -> dict:  # type: ignore[type-arg]
    response = client.post("/api/campaigns", json={"name": "Spring list", **body})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_reports_refused_contacts_and_merges_duplicates(client: TestClient) -> None:
    campaign = _create(
        client,
        contacts=[
            {"phone": "+14155550101", "name": "Ada"},
            {"phone": "(415) 555-0101", "email": "ada@example.com"},
            {"phone": "not a number", "name": "Bob"},
            {"name": "No phone"},
        ],
    )
    assert campaign["status"] == "draft"
    assert campaign["max_concurrent"] == 2
    assert campaign["calls_per_minute"] == 10
    assert campaign["retry"] == {
        "max_attempts": 3,
        "retry_after_seconds": 3600,
        "retry_on": ["no-answer", "busy", "failed", "machine"],
    }
    assert campaign["counts"] == {
        "total": 1,
        "pending": 1,
        "calling": 0,
        "retry": 0,
        "done": 0,
        "skipped": 0,
        "failed": 0,
        "qualified": 0,
    }
    assert [(i["line"], i["value"]) for i in campaign["invalid"]] == [(3, "not a number"), (4, "")]
    assert all(i["error"] for i in campaign["invalid"])
    contacts = client.get(f"/api/campaigns/{campaign['id']}/contacts").json()
    assert contacts["total"] == 1
    (ada,) = contacts["items"]
    assert (ada["phone"], ada["name"], ada["email"], ada["state"], ada["attempts"]) == (
        "+14155550101",
        "Ada",
        "ada@example.com",
        "pending",
        0,
    )
    assert ada["call_ids"] == [] and ada["last_outcome"] is None and ada["skip_reason"] is None


def test_csv_upload_adds_contacts_reports_refused_lines_and_merges_with_existing(
    client: TestClient,
) -> None:
    campaign = _create(client, contacts=[{"phone": "+14155550101"}])
    body = "\ufeffPhone,Name\n+14155550101,Ada\n+14155550102,Bob\nnope,Carl\n+14155550102,Bobby\n"
    url = f"/api/campaigns/{campaign['id']}/contacts"
    preview = client.post(
        url + "?dry_run=true", content=body.encode(), headers={"Content-Type": "text/csv"}
    )
    assert preview.status_code == 200, preview.text
    assert [row["name"] for row in preview.json()["preview"]] == ["Ada", "Bob", "Bobby"]
    assert preview.json()["invalid"] == [
        {"line": 4, "value": "nope", "error": preview.json()["invalid"][0]["error"]}
    ]
    assert client.get(f"/api/campaigns/{campaign['id']}").json()["counts"]["total"] == 1

    added = client.post(url, content=body.encode(), headers={"Content-Type": "text/csv"})
    assert added.status_code == 200, added.text
    assert (added.json()["added"], added.json()["merged"]) == (1, 2)
    assert added.json()["counts"]["total"] == 2
    names = {c["phone"]: c["name"] for c in client.get(url).json()["items"]}
    assert names == {"+14155550101": "Ada", "+14155550102": "Bob"}


def test_a_csv_without_a_phone_column_is_a_422_and_adds_nothing(client: TestClient) -> None:
    campaign = _create(client)
    response = client.post(
        f"/api/campaigns/{campaign['id']}/contacts",
        content=b"name,email\nAda,ada@example.com\n",
        headers={"Content-Type": "text/csv"},
    )
    assert response.status_code == 422
    assert "phone" in response.json()["detail"]


def test_statuses_move_start_pause_resume_cancel_and_refuse_the_rest(client: TestClient) -> None:
    campaign = _create(client, contacts=[{"phone": "+14155550101"}, {"phone": "+14155550102"}])
    base = f"/api/campaigns/{campaign['id']}"
    assert client.post(base + "/pause").status_code == 409
    assert client.post(base + "/start").json()["status"] == "running"
    assert client.post(base + "/start").status_code == 409
    assert client.post(base + "/pause").json()["status"] == "paused"
    assert client.post(base + "/resume").json()["status"] == "running"
    cancelled = client.post(base + "/cancel").json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["counts"]["skipped"] == 2
    contacts = client.get(base + "/contacts").json()["items"]
    assert all("cancelled" in c["skip_reason"] for c in contacts)
    refused = client.post(base + "/resume")
    assert refused.status_code == 409 and "cancelled" in refused.json()["detail"]
    assert (
        client.post(base + "/contacts", json={"contacts": [{"phone": "+14155550103"}]}).status_code
        == 409
    )


def test_listing_and_unknown_ids(client: TestClient) -> None:
    first = _create(client, name="A")
    second = _create(client, name="B")
    listed = client.get("/api/campaigns").json()
    assert [c["id"] for c in listed["items"]] == [second["id"], first["id"]]
    assert listed["total"] == 2
    assert client.get("/api/campaigns/999").status_code == 404
    assert client.post("/api/campaigns/999/start").status_code == 404
    assert client.get("/api/campaigns/999/contacts").status_code == 404


def test_bad_settings_are_422(client: TestClient) -> None:
    for body in ({"max_concurrent": 0}, {"max_concurrent": 51}, {"retry": {"retry_on": ["x"]}}):
        response = client.post("/api/campaigns", json={"name": "x", **body})
        assert response.status_code == 422, body


def test_campaigns_need_credentials(api: object) -> None:
    from fastapi import FastAPI

    assert isinstance(api, FastAPI)
    with TestClient(api) as anonymous:
        assert anonymous.get("/api/campaigns").status_code == 401
        assert anonymous.post("/api/campaigns", json={"name": "x"}).status_code == 401


def test_a_csv_upload_is_read_as_a_stream_and_cut_off_past_its_limit(client: TestClient) -> None:
    from collections.abc import Iterator

    from callcenter.http_limits import STREAMED_PREFIX_LIMITS

    campaign = _create(client)
    limit = STREAMED_PREFIX_LIMITS["/api/campaigns"]

    def chunks() -> Iterator[bytes]:
        yield b"phone\n"
        row = b"+14155550101\n" * 5000
        for _ in range(limit // len(row) + 2):
            yield row

    response = client.post(
        f"/api/campaigns/{campaign['id']}/contacts",
        content=chunks(),
        headers={"Content-Type": "text/csv"},
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert client.get(f"/api/campaigns/{campaign['id']}").json()["counts"]["total"] == 0


def test_a_thousand_row_upload_with_windows_line_ends_is_read_whole(client: TestClient) -> None:
    campaign = _create(client)
    rows = "".join(f"+1415555{i:04d},Name {i}\r\n" for i in range(1000))
    response = client.post(
        f"/api/campaigns/{campaign['id']}/contacts",
        content=("phone,name\r\n" + rows).encode(),
        headers={"Content-Type": "text/csv; charset=utf-8"},
    )
    assert response.status_code == 200
    assert (response.json()["added"], response.json()["invalid"]) == (1000, [])
