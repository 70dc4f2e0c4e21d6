package dev.agentsim.store.run;

import java.util.Optional;

/** The fields runs can be sorted by, as the API names them, and their columns. */
public enum RunSort {
  CREATED_AT("createdAt", "created_at"),
  SEQUENCE("sequence", "sequence"),
  COMPLETED_AT("completedAt", "completed_at"),
  STATUS("status", "verdict");

  private final String field;
  private final String column;

  RunSort(String field, String column) {
    this.field = field;
    this.column = column;
  }

  public String field() {
    return field;
  }

  String column() {
    return column;
  }

  public static Optional<RunSort> ofField(String field) {
    for (RunSort sort : values()) {
      if (sort.field.equals(field)) {
        return Optional.of(sort);
      }
    }
    return Optional.empty();
  }
}
