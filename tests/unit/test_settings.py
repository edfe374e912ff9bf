import pytest

from telephony.errors import SettingsError
from telephony.settings import load_settings

REQUIRED = {
    "TELEPHONY_AMI_USER": "telephony",
    "TELEPHONY_AMI_SECRET": "s3cret-ami",
    "TELEPHONY_ARI_USER": "telephony",
    "TELEPHONY_ARI_PASSWORD": "s3cret-ari",
}


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray .env
    for key in list(__import__("os").environ):
        if key.startswith("TELEPHONY_"):
            monkeypatch.delenv(key)
    for key, value in REQUIRED.items():
        monkeypatch.setenv(key, value)
    return monkeypatch


def test_defaults_bind_to_loopback(env):
    settings = load_settings()
    assert settings.http_host == "127.0.0.1"
    assert settings.ami_host == "127.0.0.1"
    assert settings.ari_ws_url == "ws://127.0.0.1:8088/ari/events"
    assert settings.database_dsn is None


def test_missing_setting_is_named_in_one_line(env):
    env.delenv("TELEPHONY_ARI_PASSWORD")
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value) == "settings: TELEPHONY_ARI_PASSWORD is not set"


def test_wrong_setting_is_named_without_its_value(env):
    env.setenv("TELEPHONY_AMI_PORT", "seventy")
    env.setenv("TELEPHONY_ARI_URL", "ftp://nowhere")
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert "TELEPHONY_AMI_PORT is invalid" in message
    assert "TELEPHONY_ARI_URL is invalid" in message
    assert "\n" not in message


def test_secret_does_not_show_in_repr(env):
    settings = load_settings()
    assert "s3cret" not in repr(settings)
    assert "s3cret" not in str(settings.model_dump())


def test_dotenv_file_is_read(env, tmp_path):
    env.delenv("TELEPHONY_AMI_SECRET")
    (tmp_path / ".env").write_text("TELEPHONY_AMI_SECRET=from-dotenv\n")
    assert load_settings().ami_secret.get_secret_value() == "from-dotenv"


def test_default_region_is_read_and_checked(env):
    assert load_settings().default_region == "US"
    env.setenv("TELEPHONY_DEFAULT_REGION", "de")
    assert load_settings().default_region == "DE"
    env.setenv("TELEPHONY_DEFAULT_REGION", "Germany")
    with pytest.raises(SettingsError, match="TELEPHONY_DEFAULT_REGION is invalid"):
        load_settings()
