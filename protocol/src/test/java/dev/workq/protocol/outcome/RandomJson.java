package dev.workq.protocol.outcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;

/** Seeded random JSON trees and strings (control characters, quotes, non-ASCII) for round-trip tests. */
final class RandomJson {

  private static final String CHARS = "aZ09 \"\\/\n\t\u0000\u001b\u00e9\u2028\ud83d\ude00{}[],:";

  private RandomJson() {}

  static String string(Random r) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(CHARS.length());
      if (Character.isHighSurrogate(CHARS.charAt(c))) {
        b.append(CHARS, c, c + 2);
      } else if (!Character.isLowSurrogate(CHARS.charAt(c))) {
        b.append(CHARS.charAt(c));
      }
    }
    return b.toString();
  }

  static JsonNode tree(Random r, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    int kind = r.nextInt(depth <= 0 ? 5 : 7);
    switch (kind) {
      case 0: return f.numberNode(r.nextLong());
      case 1: return f.numberNode(r.nextDouble() * 1e6);
      case 2: return f.textNode(string(r));
      case 3: return f.booleanNode(r.nextBoolean());
      case 4: return f.nullNode();
      case 5: {
        ArrayNode a = f.arrayNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          a.add(tree(r, depth - 1));
        }
        return a;
      }
      default: {
        ObjectNode o = f.objectNode();
        for (int i = r.nextInt(4); i > 0; i--) {
          o.set(string(r), tree(r, depth - 1));
        }
        return o;
      }
    }
  }
}
