import subprocess
import sys


def run(*args, data_dir):
    return subprocess.run(
        [sys.executable, "-m", "pos_app.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_builds_a_store_and_resolves_scans(tmp_path):
    result = run("demo", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "store S001" in out
    assert "/kg" in out  # a weighed 2x label resolved to a price per kg
    assert "refused outside tender" in out
    assert "<hidden>" in out  # the payment code itself never printed
    assert "check digit is 0, expected 2" in out
    assert (tmp_path / "till.db").exists()
    again = run("demo", data_dir=tmp_path)  # the second run reuses the store
    assert again.returncode == 0
    assert "loaded" not in again.stdout


def test_bad_input_gets_one_line_not_a_traceback(tmp_path):
    for args, message in [
        (("demo", "--store", "S999"), "there is no demo store S999"),
        (("demo", "--skus", "5"), "products must be 100 to 1,000,000"),
    ]:
        result = run(*args, data_dir=tmp_path)
        assert result.returncode == 1
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "till.db").write_text("not a database")
    result = run("demo", data_dir=tmp_path / "broken")
    assert result.returncode == 1
    assert "not a SQLite database" in result.stderr


def test_a_till_database_belongs_to_one_store(tmp_path):
    assert run("demo", data_dir=tmp_path).returncode == 0
    result = run("demo", "--store", "S002", data_dir=tmp_path)
    assert result.returncode == 1
    assert "belongs to store S001" in result.stderr
