"""kunci.toml: unknown keys refused in one line, API options checked per kind, no demo default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.config.settings import load_settings
from flows.config.tables import API_KINDS
from transforms.errors import InputError

GA4 = '[[sources]]\nkind = "ga4"\ntoken_env = "T"\nproperties = ["1"]\n'


def _refusal(tmp_path: Path, text: str) -> str:
    config = tmp_path / "kunci.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_settings(str(config))
    message = str(refused.value)
    assert "\n" not in message
    return message.removeprefix(f"{config}: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[accounts]]\nplatform = "x"\naccount_id = "a"\n'
            '[[accounts]]\nplatform = "instagram"\naccount_id = 123\ntimzone = "UTC"\n',
            "accounts[1] (instagram:123): unknown key 'timzone' (did you mean 'timezone'?)",
        ),
        ('[workspace]\nname = "w"\nzone = "UTC"\n', "workspace: unknown key 'zone'"),
        ("[workspce]\n", "unknown key 'workspce' (did you mean 'workspace'?)"),
        ('[database]\nmemory = "1GB"\n', "database: unknown key 'memory'"),
        (
            '[[sources]]\nkind = "exports"\npath = "in"\naccuont = "x:a"\n',
            "sources[0]: unknown key 'accuont' (did you mean 'account'?)",
        ),
        (
            GA4 + 'lead_event = ["sign_up"]\n',
            "sources[0] (ga4): unknown key 'lead_event' (did you mean 'lead_events'?)",
        ),
        (GA4 + 'data_base_url = "http://127.0.0.1"\n', "sources[0] (ga4): unknown key 'data_base_"),
        (GA4 + 'page_size = "many"\n', "sources[0] (ga4): 'page_size' input should be a valid int"),
        ('[[accounts]]\naccount_id = "a"\n', "accounts[0] has no 'platform'"),
        ('[[sources]]\nkind = "ga4"\nproperties = ["1"]\n', "sources[0] (ga4) has no 'token_env'"),
        ('[[sources]]\nkind = "ga4"\ntoken_env = "T"\n', "sources[0] (ga4) names no ids"),
    ],
)
def test_a_bad_key_is_one_line_naming_file_entry_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    assert _refusal(tmp_path, text).startswith(message)


@pytest.mark.parametrize("kind", sorted(API_KINDS))
def test_each_api_kind_takes_its_declared_options_and_refuses_others(
    tmp_path: Path, kind: str
) -> None:
    spec = API_KINDS[kind]
    entry = f'[[sources]]\nkind = "{kind}"\ntoken_env = "T"\n{spec.ids[0]} = ["1"]\n'
    config = tmp_path / "kunci.toml"
    config.write_text(entry, encoding="utf-8")
    assert load_settings(str(config)).api_sources[0].options == {}
    assert _refusal(tmp_path, entry + "surprise = 1\n").startswith(
        f"sources[0] ({kind}): unknown key 'surprise'"
    )


def test_given_options_reach_the_connector_as_written(tmp_path: Path) -> None:
    config = tmp_path / "kunci.toml"
    config.write_text(GA4 + 'lead_events = ["sign_up"]\npage_size = 50\n', encoding="utf-8")
    source = load_settings(str(config)).api_sources[0]
    assert source.options == {"lead_events": ["sign_up"], "page_size": 50}


def test_without_a_configuration_the_workspace_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KUNCI_CONFIG", raising=False)
    settings = load_settings()
    assert (settings.accounts, settings.sources, settings.targets) == ((), (), ())
    assert settings.config_path is None


def test_kunci_config_names_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text('[workspace]\nname = "named"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUNCI_CONFIG", str(config))
    assert load_settings().name == "named"
    monkeypatch.setenv("KUNCI_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(InputError, match=r"missing\.toml: config file not found"):
        load_settings()


def test_a_command_without_configuration_and_a_staging_worker_never_import_pydantic(
    tmp_path: Path,
) -> None:
    """The configuration's models cost about 0.2 s to import and build, a fifth of a small ingest.

    A command run where there is no `kunci.toml`, and a staging worker unpickling its settings,
    have no configuration to validate (`flows.config.defaults`).
    """
    code = (
        "import sys; import flows.cli.commands, flows.load.stage_pool; "
        "from flows.config.settings import load_settings; load_settings(None); "
        "print('pydantic' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "KUNCI_CONFIG"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.stdout.strip() == "False", done.stderr
