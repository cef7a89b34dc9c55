package io.drover.node;

import io.drover.api.NodeApp;
import io.drover.api.NodeContext;
import io.drover.api.Shutdown;
import io.drover.core.DroverException;
import io.drover.core.ExitCode;
import io.drover.core.OsErrors;
import io.drover.demo.DemoApp;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the application: the demo when there is no {@code -A}; else the class, from
 * {@code --classpath} (entries separated by {@code :}, {@code dir/*} meaning every jar in dir),
 * either a {@link NodeApp} or a class with {@code main(String[])}.
 */
public final class AppLoader {
    private AppLoader() {}

    /** Loads the class once; {@link #instantiate} makes a fresh instance per (re)start. */
    public static Class<?> load(String app, String classpath) {
        ClassLoader loader = classLoader(classpath);
        Thread.currentThread().setContextClassLoader(loader);
        try {
            return Class.forName(app, true, loader);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw notFound(app, classpath);
        } catch (ExceptionInInitializerError e) {
            throw new DroverException(ExitCode.NODE_FAILED, "application class " + app + " failed to initialize: "
                    + e.getCause(), e.getCause());
        } catch (LinkageError e) {
            throw new DroverException(ExitCode.NODE_FAILED, "application class " + app + " cannot be loaded: " + e, e);
        }
    }

    /**
     * Refuses, as {@link #load} would, an application class that is not on the class path, found
     * as a loader finds it (the node's own class path, then {@code classpath}'s directories and
     * jars, their manifests' Class-Path too) but neither loaded nor initialised: what
     * {@code multi dryrun} asks, without a JVM.
     */
    public static void find(String app, String classpath) {
        ClassLoader loader = classLoader(classpath);
        try {
            if (loader.getResource(app.replace('.', '/') + ".class") == null) {
                throw notFound(app, classpath);
            }
        } finally {
            if (loader instanceof URLClassLoader own) {
                try {
                    own.close(); // the jars it opened
                } catch (IOException e) {
                    // nothing was loaded from them: nothing to lose
                }
            }
        }
    }

    private static DroverException notFound(String app, String classpath) {
        return new DroverException(ExitCode.NODE_FAILED, "application class " + app + " not found on the class path"
                + (classpath == null ? " (give its jars with --classpath)" : " " + classpath + hints(classpath)));
    }

    /** A fresh instance of {@code cls} as a NodeApp (a main class is adapted), or the demo for null. */
    public static NodeApp instantiate(String app, Class<?> cls) {
        if (cls == null) {
            return new DemoApp();
        }
        if (NodeApp.class.isAssignableFrom(cls)) {
            return (NodeApp) construct(cls);
        }
        try {
            Method main = cls.getMethod("main", String[].class);
            if (Modifier.isStatic(main.getModifiers())) {
                return new MainClassApp(main);
            }
        } catch (NoSuchMethodException e) {
            // fall through to the error below
        }
        throw new DroverException(ExitCode.NODE_FAILED, "application class " + app + " is neither an "
                + NodeApp.class.getName() + " nor a class with public static void main(String[])");
    }

    /** A new instance through the public no-argument constructor the SPI asks for. */
    public static Object construct(Class<?> cls) {
        try {
            return cls.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new DroverException(ExitCode.NODE_FAILED, "application " + cls.getName() + " constructor threw: "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new DroverException(ExitCode.NODE_FAILED, "application " + cls.getName()
                    + " needs a public no-argument constructor: " + e);
        }
    }

    /**
     * Why a class path may not hold the class: entries that do not exist (the JVM ignores them
     * without a word), and directories that hold only jars (a directory entry gives the classes
     * in it, not its jars: {@code DIR/*} does).
     */
    static String hints(String classpath) {
        List<String> missing = new ArrayList<>();
        List<String> jarDirs = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator, -1)) {
            if (entry.isEmpty() || entry.endsWith("*")) {
                // a DIR/* that cannot be read failed, naming itself, before the class was looked up
                fixed.add(entry);
                continue;
            }
            if (!Files.exists(Path.of(entry))) {
                missing.add(entry + " does not exist");
            }
            if (holdsOnlyJars(Path.of(entry))) {
                jarDirs.add(entry);
                fixed.add((entry.endsWith("/") ? entry : entry + "/") + "*");
            } else {
                fixed.add(entry);
            }
        }
        List<String> hints = new ArrayList<>(missing);
        if (!jarDirs.isEmpty()) {
            hints.add(String.join(", ", jarDirs) + (jarDirs.size() == 1 ? " holds" : " hold") + " only jars, which a"
                    + " directory entry does not read: give --classpath='" + String.join(File.pathSeparator, fixed) + "'");
        }
        return hints.isEmpty() ? "" : " (" + String.join("; ", hints) + ")";
    }

    private static boolean holdsOnlyJars(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        boolean jars = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!Files.isRegularFile(p) || !name.toLowerCase(java.util.Locale.ROOT).endsWith(".jar")) {
                    return false;
                }
                jars = true;
            }
        } catch (IOException e) {
            return false;
        }
        return jars;
    }

    private static ClassLoader classLoader(String classpath) {
        ClassLoader parent = AppLoader.class.getClassLoader();
        if (classpath == null || classpath.isEmpty()) {
            return parent;
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            try {
                if (entry.endsWith("/*") || entry.equals("*")) {
                    Path dir = Path.of(entry.substring(0, entry.length() - 1).isEmpty() ? "." : entry.substring(0, entry.length() - 1));
                    try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.{jar,JAR}")) {
                        for (Path jar : jars) {
                            urls.add(jar.toUri().toURL());
                        }
                    }
                } else {
                    urls.add(Path.of(entry).toUri().toURL());
                }
            } catch (IOException e) {
                throw new DroverException(ExitCode.NODE_FAILED, "--classpath entry " + entry + " cannot be read: "
                        + OsErrors.reason(e));
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), parent);
    }

    /**
     * A plain {@code main(String[])} class, run on a thread of its own. The node reports ready
     * as soon as that thread is started: main may return (leaving its threads running) or block,
     * so nothing marks the end of its start, and a throw from main, early or late, is logged
     * with its stack trace while the node keeps running until it is stopped. Stop has no way to
     * ask it to finish its work: the node exits, which runs the application's shutdown hooks.
     * Nor can HUP restart it in place, as a second main would run beside the first: the node
     * logs the HUP and ignores it ({@link Node}).
     */
    static final class MainClassApp implements NodeApp {
        private final Method main;

        MainClassApp(Method main) {
            this.main = main;
        }

        @Override
        public void start(NodeContext context) {
            String[] args = context.args().toArray(String[]::new);
            Thread t = new Thread(() -> {
                try {
                    main.invoke(null, (Object) args);
                } catch (InvocationTargetException e) {
                    context.logger().error("{}.main threw", main.getDeclaringClass().getName(), e.getCause());
                } catch (IllegalAccessException e) {
                    context.logger().error("cannot call {}.main", main.getDeclaringClass().getName(), e);
                }
            }, "main-app");
            t.start();
            context.ready();
        }

        @Override
        public void stop(Shutdown mode) {
            // a main() class has no stop protocol: its shutdown hooks run when the node exits
        }
    }
}
