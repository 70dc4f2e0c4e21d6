package dev.agentsim.worker.cli;

/** Why a command could not be carried out: exit code 2, the message printed as it is. */
final class Failure extends RuntimeException {

  Failure(String message) {
    super(message);
  }

  Failure(String message, Throwable cause) {
    super(message, cause);
  }
}
