"""The pinning routes: the OGPU capi shape, content addressing, limits and clear errors."""

from __future__ import annotations

from tests.sandbox_node.client import SandboxClient


def test_pin_round_trip_serves_the_same_bytes_and_type(client: SandboxClient) -> None:
    body = b'{"function_name": "inference", "data": {"input": "hi"}}'
    answer = client.http.post(
        client.info["pinning_url"], files={"file": ("taskConfig.json", body, "application/json")}
    )
    assert answer.status_code == 200
    link = answer.json()["link"]
    assert link.startswith(client.info["rpc_url"] + "/ipfs/b")
    fetched = client.http.get(link)
    assert fetched.status_code == 200
    assert fetched.content == body
    assert fetched.headers["content-type"] == "application/json"


def test_png_is_served_as_an_image(client: SandboxClient) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    link = client.http.post(
        client.info["pinning_url"], files={"file": ("a.png", png, "application/octet-stream")}
    ).json()["link"]
    assert client.http.get(link).headers["content-type"] == "image/png"


def test_same_bytes_get_the_same_link_and_different_bytes_another(client: SandboxClient) -> None:
    def pin(data: bytes) -> str:
        return str(client.http.post(
            client.info["pinning_url"], files={"file": ("x.txt", data, "text/plain")}
        ).json()["link"])

    assert pin(b"same bytes") == pin(b"same bytes")
    assert pin(b"same bytes") != pin(b"other bytes")


def test_too_large_file_is_refused_with_413(client: SandboxClient) -> None:
    answer = client.http.post(
        client.info["pinning_url"],
        files={"file": ("big.bin", b"\0" * (5 * 1024 * 1024 + 1), "application/octet-stream")},
    )
    assert answer.status_code == 413
    assert "5 MB" in answer.json()["error"]


def test_missing_file_field_is_a_clear_400(client: SandboxClient) -> None:
    answer = client.http.post(
        client.info["pinning_url"], files={"document": ("a.json", b"{}", "application/json")}
    )
    assert answer.status_code == 400
    assert "'file'" in answer.json()["error"]


def test_a_body_that_is_not_multipart_is_a_clear_400(client: SandboxClient) -> None:
    answer = client.http.post(client.info["pinning_url"], json={"file": "x"})
    assert answer.status_code == 400
    assert "multipart/form-data" in answer.json()["error"]


def test_unknown_links_are_404(client: SandboxClient) -> None:
    base = client.info["rpc_url"]
    unknown = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
    assert client.http.get(f"{base}/ipfs/{unknown}").status_code == 404
    assert client.http.get(f"{base}/ipfs/not-a-cid").status_code == 404
    assert client.http.get(f"{base}/nothing-here").status_code == 404
