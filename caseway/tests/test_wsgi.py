"""caseway.wsgi: a production server will not start without its keys (gunicorn runs no checks)."""

from caseway.tests.production import production_env, production_facts, run_python

IMPORT_WSGI = "import caseway.wsgi"


def test_it_refuses_to_start_in_production_without_keys(tmp_path):
    result = run_python(IMPORT_WSGI, production_env(tmp_path, keys=False))

    assert result.returncode != 0
    assert "Caseway will not start" in result.stderr
    for variable in ("CASEWAY_SECRET_KEY", "CASEWAY_VAULT_KEYS", "CASEWAY_BLIND_INDEX_KEY", "CASEWAY_AUDIT_KEY"):
        assert variable in result.stderr


def test_it_refuses_to_start_in_production_with_debug_on(tmp_path):
    result = run_python(IMPORT_WSGI, production_env(tmp_path, CASEWAY_DEBUG="true"))

    assert result.returncode != 0
    assert "Caseway will not start" in result.stderr
    assert "CASEWAY_DEBUG" in result.stderr


def test_it_starts_in_production_with_every_key():
    facts = production_facts()  # imports caseway.wsgi in a production interpreter; fails on a non-zero exit

    assert facts["MODE"] == "production"
    assert facts["DEBUG"] is False
