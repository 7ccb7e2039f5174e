"""Settings: `kunci.toml` and the environment, validated into typed settings."""
