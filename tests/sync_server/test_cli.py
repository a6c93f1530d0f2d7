"""`omnitill-server`: each command does its job; bad input gets one line on stderr, exit 1."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter

import httpx
import pytest

from pos_core.protocol.messages import PROTOCOL_HEADER
from sync_server.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def cli(*args, env=None):
    """The real command, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "sync_server.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_the_commands_set_up_a_chain(capsys, tmp_path):
    db = f"sqlite:///{tmp_path}/cli.db"
    assert run(capsys, "--db", db, "init")[0] == 0
    assert run(capsys, "--db", db, "init")[0] == 0  # again: nothing to do
    code, out, _ = run(capsys, "--db", db, "create-store", "S7", "南京店", "--settings",
                       '{"cash_rounding": "down"}')  # fmt: skip
    assert code == 0
    assert "store S7 created" in out
    code, out, _ = run(capsys, "--db", db, "create-till", "S7", "--number", "2")
    assert code == 0
    device = re.search(r"\(([0-9a-f-]{36})\)", out).group(1)
    enrolment = re.search(r"enrolment code: (\S+)", out).group(1)
    code, out, _ = run(capsys, "--db", db, "create-user", "商城", "--role", "ecommerce")
    assert code == 0
    assert re.search(r"token \(shown once\): otu_\S+", out)
    code, out, _ = run(capsys, "--db", db, "revoke-till", device)
    assert code == 0
    assert "revoked" in out
    code, out, _ = run(capsys, "--db", db, "compact", "--keep", "0")
    assert code == 0
    assert "removed" in out
    assert len(enrolment.replace("-", "")) == 16


def test_bad_input_gets_one_line_and_exit_1(capsys, tmp_path):
    db = f"sqlite:///{tmp_path}/bad.db"
    run(capsys, "--db", db, "init")
    cases = [
        (["--db", "mysql://x/y", "init"], "not supported"),
        (["--db", "not a url", "init"], "not a database URL"),
        (["--db", db, "create-till", "NOPE", "--number", "1"], "no store NOPE"),
        (["--db", db, "create-till", "S1", "--number", "0"], "must be 1-9999"),
        (["--db", db, "revoke-till", "not-an-id"], "not a device id"),
        (["--db", db, "import-outbox", str(tmp_path / "missing.jsonl"), "--device",
          "0190e000-0000-7000-8000-000000000001"], "no such file"),
        (["--db", db, "create-store", "lower", "x"], "capital letters"),
        (["--db", "postgresql+psycopg://postgres@127.0.0.1:1/nowhere", "create-store", "S1", "x"],
         "cannot reach the database"),
        (["--db", f"sqlite:///{tmp_path}/empty.db", "create-store", "S1", "x"], "init"),
    ]  # fmt: skip
    for args, words in cases:
        code, out, err = run(capsys, *args)
        assert code == 1, args
        assert out == ""
        assert err.count("\n") == 1, err
        assert err.startswith("omnitill-server: ")
        assert words in err, (args, err)


def test_the_real_command_prints_no_traceback(tmp_path):
    done = cli("--db", "postgresql+psycopg://postgres@127.0.0.1:1/nowhere", "init")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[0].startswith("omnitill-server: cannot reach")
    refused = cli("--db", f"sqlite:///{tmp_path}/one.db", "serve", "--workers", "2")
    assert refused.returncode == 1
    assert "SQLite serves one worker" in refused.stderr
    empty = cli("--db", f"sqlite:///{tmp_path}/empty.db", "serve", "--port", "1")
    assert empty.returncode == 1
    assert "run `omnitill-server init` first" in empty.stderr
    assert "Traceback" not in empty.stderr


def test_import_outbox_applies_a_dead_tills_events_once(capsys, chain, db_url, make_sale, tmp_path):
    till = chain.tills["S1-1"]
    envelopes = till.envelopes(*(make_sale(till, [(chain.products[0], "1")]) for _ in range(3)))
    exported = tmp_path / "outbox.jsonl"
    exported.write_text("\n".join(json.dumps(e) for e in envelopes) + "\n")
    code, out, _ = run(capsys, "--db", db_url, "revoke-till", str(till.device_id))
    assert code == 0
    code, out, _ = run(
        capsys, "--db", db_url, "import-outbox", str(exported), "--device", str(till.device_id)
    )
    assert code == 0
    assert "3 applied" in out
    code, out, _ = run(
        capsys, "--db", db_url, "import-outbox", str(exported), "--device", str(till.device_id)
    )
    assert "3 duplicate" in out
    exported.write_text(json.dumps({"seq": 9, "event": {}}) + "\n")
    code, out, _ = run(
        capsys, "--db", db_url, "import-outbox", str(exported), "--device", str(till.device_id)
    )
    assert "seq 4 is missing" in out
    exported.write_text("not json\n")
    code, _, err = run(
        capsys, "--db", db_url, "import-outbox", str(exported), "--device", str(till.device_id)
    )
    assert code == 1
    assert "line 1" in err


@pytest.mark.parametrize("stores", [2])
def test_demo_data_loads_a_chain_a_till_can_enrol_in_and_pull(capsys, tmp_path, stores, serve):
    db = f"sqlite:///{tmp_path}/demo.db"
    run(capsys, "--db", db, "init")
    code, out, _ = run(
        capsys, "--db", db, "demo-data", "--products", "200", "--stores", str(stores)
    )
    assert code == 0, out
    assert "cashier 001" in out
    assert "PIN 1111" in out
    codes = re.findall(r"till 1 enrolment code (\S+)", out)
    assert len(codes) == stores
    again = run(capsys, "--db", db, "demo-data")
    assert again[0] == 1
    assert "already has stores" in again[2]
    server = serve(db)
    with httpx.Client(base_url=server.url, headers={PROTOCOL_HEADER: "1"}) as http:
        identity = http.post("/api/v1/devices/enrol", json={"code": codes[0]}).json()
        headers = {"Authorization": f"Bearer {identity['token']}"}
        replica: dict[tuple[str, str], dict] = {}
        cursor = None
        while True:
            page = http.get(
                "/api/v1/sync/pull", params={"cursor": cursor} if cursor else {}, headers=headers
            ).json()
            for change in page["changes"]:
                replica[(change["entity"], change["key"])] = change["data"]
            cursor = page["cursor"]
            if not page["has_more"]:
                break
    entities = Counter(entity for entity, _ in replica)
    assert entities["product"] == 200
    assert entities["stock_level"] == 200
    assert entities["cashier"] == 6
    assert entities["member"] == 200
    assert entities["coupon"] == 50
    assert entities["pickup_order"] == 20
    assert entities["store_settings"] == 1
    log = server.log()
    assert identity["token"] not in log
    for line in log.splitlines():
        if line.startswith("{"):
            assert json.loads(line)["level"] in {"info", "warning", "error", "debug"}
