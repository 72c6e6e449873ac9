package waymark.engines;

import java.util.HashMap;
import java.util.Map;

/** `--name value` pairs of a launcher's command line, each one required. */
public final class Args {
  private final Map<String, String> values = new HashMap<>();

  public Args(String[] args) {
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
  }

  public String get(String name) {
    String value = values.get(name);
    if (value == null) throw new IllegalArgumentException("missing --" + name);
    return value;
  }

  public int port(String name) {
    return Integer.parseInt(get(name));
  }
}
