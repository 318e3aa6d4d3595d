//! Profiles: a base URL and a token by name, in `config.json` in the platform's config
//! directory (`LOSANT_CONFIG_DIR` elsewhere), written with owner-only permissions.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cx::CliError;

/// The profile used when none is named (`--profile`, `LOSANT_PROFILE`).
pub(crate) const DEFAULT_PROFILE: &str = "default";

/// A named set of settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Profile {
    /// The API's base URL (default `https://api.losant.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) url: Option<String>,
    /// The token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) token: Option<String>,
    /// Who the token is for: `user` (from `losant login`) or `device`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) kind: Option<String>,
    /// The user's email, or the device's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) who: Option<String>,
    /// A device's application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) application_id: Option<String>,
}

/// The config file's contents.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Config {
    #[serde(default)]
    pub(crate) profiles: BTreeMap<String, Profile>,
}

/// Where the config file is.
pub(crate) fn path() -> Result<PathBuf, CliError> {
    if let Some(dir) = std::env::var_os("LOSANT_CONFIG_DIR") {
        return Ok(PathBuf::from(dir).join("config.json"));
    }
    directories::ProjectDirs::from("com", "Losant", "losant")
        .map(|dirs| dirs.config_dir().join("config.json"))
        .ok_or_else(|| {
            CliError::Other(
                "no home directory to keep the config in: set LOSANT_CONFIG_DIR".to_owned(),
            )
        })
}

impl Config {
    /// The config file's contents (empty when there is none).
    pub(crate) fn load() -> Result<Config, CliError> {
        let path = path()?;
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| {
                CliError::Other(format!("{} is not a config file: {error}", path.display()))
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(error) => Err(CliError::Other(format!("{}: {error}", path.display()))),
        }
    }

    /// Writes the config file, readable and writable by its owner only (it holds
    /// tokens): a new file is created with those permissions, then renamed in place.
    pub(crate) fn save(&self) -> Result<PathBuf, CliError> {
        let path = path()?;
        let failed =
            |error: std::io::Error| CliError::Other(format!("{}: {error}", path.display()));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(failed)?;
        }
        let text = serde_json::to_vec_pretty(self).map_err(|error| {
            CliError::Other(format!("the config could not be written: {error}"))
        })?;
        let temporary = path.with_extension("json.new");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        {
            use std::io::Write as _;
            let mut file = options.open(&temporary).map_err(failed)?;
            file.write_all(&text).map_err(failed)?;
            file.sync_all().map_err(failed)?;
        }
        #[cfg(unix)]
        std::fs::set_permissions(
            &temporary,
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .map_err(failed)?;
        std::fs::rename(&temporary, &path).map_err(failed)?;
        Ok(path)
    }

    /// The config as `losant config show` prints it: every token masked.
    pub(crate) fn masked(&self) -> Config {
        let mut shown = self.clone();
        for profile in shown.profiles.values_mut() {
            if profile.token.is_some() {
                profile.token = Some("[REDACTED]".to_owned());
            }
        }
        shown
    }
}
