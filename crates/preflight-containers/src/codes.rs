//! Every finding code the containers check emits, with its default severity.
//!
//! Severities are those of a file that is deployed. Files that only serve development (a path
//! component or a name part such as `local`, `dev`, `test` or `.devcontainer`) have their
//! exposure findings lowered to [`Severity::Low`] by the check: a published database port on a
//! laptop is worth a note, not a failed deploy.

use preflight_findings::Severity;

preflight_findings::finding_codes! {
    "Every code the containers check can emit, with its severity and meaning.";
    COMPOSE_SECRET_IN_ENVIRONMENT = "container.compose-secret-in-environment", High, "A compose service sets a secret-named variable to a literal value in `environment:` instead of reading it from an untracked env file or a secret.";
    COMPOSE_PORT_PUBLISHED = "container.compose-port-published", High, "A compose service publishes a database or cache port on all interfaces instead of 127.0.0.1.";
    COMPOSE_PRIVILEGED = "container.compose-privileged", High, "A compose service runs with `privileged: true`, which gives it root on the host.";
    COMPOSE_HOST_NETWORK = "container.compose-host-network", Medium, "A compose service uses `network_mode: host`, sharing the host's network stack and bypassing port publishing.";
    COMPOSE_CAPABILITY = "container.compose-capability", High, "A compose service adds the capability ALL, SYS_ADMIN or SYS_MODULE, which lets it escape to the host.";
    COMPOSE_DOCKER_SOCKET = "container.compose-docker-socket", High, "A compose service mounts the Docker socket, which gives it root on the host.";
    COMPOSE_ENV_FILE_TRACKED = "container.compose-env-file-tracked", High, "A compose `env_file:` names a file that git tracks, so its secrets are in the repository.";
    IMAGE_UNPINNED = "container.image-unpinned", Low, "An image (compose `image:` or Dockerfile `FROM`) has no tag or uses `latest`, so a deploy may pull an image nobody reviewed.";
    DOCKERFILE_SECRET_ENV = "container.dockerfile-secret-env", High, "A Dockerfile `ENV` sets a secret-named variable to a literal value, which every copy of the image carries.";
    DOCKERFILE_SECRET_ARG = "container.dockerfile-secret-arg", High, "A Dockerfile `ARG` gives a secret-named build argument a literal default; build arguments are kept in the image history.";
    DOCKERFILE_COPIES_ENV = "container.dockerfile-copies-env", High, "A Dockerfile `COPY`/`ADD` puts a `.env` file into the image, by name or by copying a build context that holds one.";
    DOCKERIGNORE_ENV = "container.dockerignore-env", Medium, "The build context of a Dockerfile that copies the whole context has no `.dockerignore` excluding `.env*`.";
    DOCKERFILE_ROOT_USER = "container.dockerfile-root-user", Medium, "The stage a Dockerfile runs (the last, or the compose `build.target`) has no `USER` or ends as root, so the container runs as root.";
    DOCKERFILE_ADD_URL = "container.dockerfile-add-url", Medium, "A Dockerfile `ADD`s a remote URL without `--checksum`, so the build trusts whatever the server sends.";
    DOCKERFILE_CURL_PIPE_SHELL = "container.dockerfile-curl-pipe-shell", Medium, "A Dockerfile `RUN` pipes a download straight into a shell.";
    DOCKERFILE_SUDO = "container.dockerfile-sudo", Low, "A Dockerfile `RUN` uses `sudo`, which is unneeded in a build and leaves a privilege-escalation tool in the image.";
}

/// The default severity of `code`.
pub fn severity_of(code: &str) -> Severity {
    CODES
        .iter()
        .find(|c| c.id == code)
        .map(|c| c.severity)
        .expect("every code the check emits is listed in CODES")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_in_the_container_namespace() {
        let mut seen = std::collections::HashSet::new();
        for code in CODES {
            assert!(seen.insert(code.id), "duplicate code {}", code.id);
            let rest = code.id.strip_prefix("container.").expect("namespace");
            assert!(
                rest.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                code.id
            );
            assert!(code.description.ends_with('.'), "{}", code.id);
        }
    }
}
