package dev.fabricscope.sysfs;

/** Told about every successful read of a {@link SysfsRoot}; {@code gather} archives them. */
public interface ReadRecorder {
  /** Records nothing. */
  ReadRecorder NONE =
      new ReadRecorder() {
        @Override
        public void file(String path, byte[] content) {}

        @Override
        public void link(String path, String text) {}

        @Override
        public void directory(String path) {}

        @Override
        public void unreadable(String path, String problem) {}
      };

  void file(String path, byte[] content);

  void link(String path, String text);

  void directory(String path);

  /** A file that exists but could not be read, and why. */
  void unreadable(String path, String problem);
}
