package waymark.engines;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Ends this JVM when the process that started it is gone. A test run that dies (kill -9, a crash,
 * a timeout) cannot stop its engines itself; without this a JVM of several hundred MB and its
 * temporary data would outlive every such run.
 */
public final class ParentWatch {
  private ParentWatch() {}

  /** Watches the parent process; when it exits, deletes {@code home} (best effort) and halts. */
  public static void start(Path home) {
    ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
    if (parent == null) return;
    Thread watch = new Thread(() -> {
      while (parent.isAlive()) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("parent process " + parent.pid() + " is gone: removing " + home + " and exiting");
      deleteTree(home);
      // halt, not exit: nobody is left to wait for a graceful shutdown, and the data is gone.
      Runtime.getRuntime().halt(1);
    }, "parent-watch");
    watch.setDaemon(true);
    watch.start();
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) return;
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      System.err.println("could not remove " + root + ": " + e);
    }
  }
}
