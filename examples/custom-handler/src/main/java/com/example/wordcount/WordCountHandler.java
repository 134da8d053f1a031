package com.example.wordcount;

import dev.workq.worker.api.PermanentFailure;
import dev.workq.worker.api.TaskContext;
import dev.workq.worker.api.TaskHandler;
import java.util.Map;
import java.util.TreeMap;

/** Counts the words of {@code {"text": "..."}}: a handler shipped in its own jar. */
public final class WordCountHandler implements TaskHandler<WordCountHandler.Input, WordCountHandler.Output> {

  public record Input(String text) {}

  public record Output(int words, Map<String, Integer> counts) {}

  @Override
  public String name() {
    return "wordcount";
  }

  @Override
  public Class<Input> inputType() {
    return Input.class;
  }

  @Override
  public Output handle(Input input, TaskContext context) {
    if (input.text() == null) {
      // The same payload fails the same way every time: retrying it would only delay the dead
      // letter (by about 4 s with the broker's defaults). PermanentFailure fails it at once.
      throw new PermanentFailure("text is required");
    }
    Map<String, Integer> counts = new TreeMap<>();
    int words = 0;
    for (String w : input.text().toLowerCase().split("\\W+")) {
      if (!w.isEmpty()) {
        counts.merge(w, 1, Integer::sum);
        words++;
      }
    }
    return new Output(words, counts);
  }
}
