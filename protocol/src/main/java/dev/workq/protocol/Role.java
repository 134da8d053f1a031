package dev.workq.protocol;

/** What a connecting peer is: workers are counted and listed apart from plain clients. */
public enum Role {
  CLIENT,
  WORKER
}
