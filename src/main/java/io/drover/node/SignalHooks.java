package io.drover.node;

import java.lang.reflect.Proxy;

/**
 * Installs handlers for TERM, INT and HUP through {@code sun.misc.Signal}, the JDK's supported
 * (jdk.unsupported) signal API: no native library needed in the node. Reached reflectively
 * because javac cannot silence its "internal proprietary API" warning, and the build treats
 * warnings as errors. SIGQUIT cannot be handled: the JVM reserves it for thread dumps.
 */
public final class SignalHooks {
    private SignalHooks() {}

    public static void handle(String signal, Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object sig = signalClass.getConstructor(String.class).newInstance(signal);
            Object handler = Proxy.newProxyInstance(SignalHooks.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            action.run();
                            return null;
                        }
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "SignalHandler[" + signal + "]";
                        };
                    });
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, sig, handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot handle SIG" + signal + ": " + e, e);
        }
    }
}
