import { CHECK_CONFIG_USAGE } from "./check-config.js";

/** `pushgate --help`: the commands, the environment it reads, and its exit codes. */
export const USAGE = `Usage: pushgate [COMMAND]
Commands:
  (none), serve            start the service
  check-config [FILE] [IMAGE:TAG ...]
                           validate a config file; list the pipelines an image:tag matches
  prune [--dry-run] [FILE] delete the finished runs store.retention lets go (--dry-run: say
                           what would go)
  migrate-store --from FILE.db --to postgres://...
                           copy a SQLite store into an empty PostgreSQL database
  help, --help, -h         this text
  --version, -v            the version

Environment:
  PUSHGATE_CONFIG          the config file (default ./pushgate.yml; with neither, a trial
                           run of pushgate.example.yml with its store in ./data/trial.db)
  PORT                     the port to listen on, overriding listen.port
  DOCKER_HOST              the Docker engine (default unix:///var/run/docker.sock), unless
                           docker.host is set
  PUSHGATE_WEBHOOK_TOKEN, PUSHGATE_API_TOKEN
                           the tokens the example config reads (\${VAR} in a config file
                           reads any variable)

Exit codes:
  0   stopped on request (SIGTERM or Ctrl-C), or the command succeeded
  1   could not start (the port is in use, the store cannot be opened...) or stopping failed
  64  a command or argument pushgate does not know
  78  the config file is missing or invalid
  130 stopped by a second Ctrl-C or SIGTERM, without waiting for running tests

${CHECK_CONFIG_USAGE}`;
