package dev.workq.worker.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.workq.protocol.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The elements of a JSON array, each as the bytes it came as: the arguments of a task method with
 * several parameters, the inputs of a chunk. Sliced rather than parsed into trees and written
 * again, so a {@code JsonBytes} argument gets its JSON unchanged and a number keeps its spelling.
 */
final class JsonElements {

  private JsonElements() {}

  /**
   * The elements of the array {@code json}.
   *
   * @throws IllegalArgumentException saying what is wrong, if {@code json} is not one JSON array
   */
  static List<byte[]> of(byte[] json) {
    List<byte[]> elements = new ArrayList<>();
    try (JsonParser p = Json.mapper().getFactory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException("expected a JSON array");
      }
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new IllegalArgumentException("the array is not closed");
        }
        int start = (int) p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        // A string's or number's text is read lazily: finish it, so the location is past its end.
        p.finishToken();
        int end = (int) p.currentLocation().getByteOffset();
        elements.add(Arrays.copyOfRange(json, start, end));
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("text after the array");
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(Failures.firstLine(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(Failures.firstLine(e.getMessage()), e);
    }
    return elements;
  }
}
