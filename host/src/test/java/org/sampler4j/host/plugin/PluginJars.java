package org.sampler4j.host.plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Builds real plugin jars and zips for the tests: compiles Java sources in memory against the test classpath (the api)
 * and writes them with a PF4J descriptor and {@code META-INF/extensions.idx}.
 */
public final class PluginJars {
    private PluginJars() {}

    /** A sampler extension's source: class {@code pkg.S} with sampler id {@code id}; {@code body} is added to the class. */
    public static String sampler(String pkg, String id, String body) {
        return "package " + pkg + ";\n"
                + "import java.util.List;\nimport org.sampler4j.api.sampler.*;\n"
                + "public final class S implements Sampler {\n"
                + body + "\n"
                + "  public SamplerInfo info() { return new SamplerInfo(\"" + id + "\", List.of(), \"test sampler\", \"test\", List.of(), "
                + "SamplerInfo.Capabilities.deterministic(1)); }\n"
                + "  public Latent sample(Denoiser m, Latent x, double[] s, SamplerOptions o, SamplingContext c) {\n"
                + "    for (int i = 0; i < s.length - 1; i++) x = Latents.sum(1 + (s[i + 1] - s[i]) / s[i], x, -(s[i + 1] - s[i]) / s[i], m.denoise(x, s[i]));\n"
                + "    return x;\n  }\n}\n";
    }

    /** Compiles {@code sources} (class name to source) and returns class files by entry name ({@code a/b/C.class}). */
    public static Map<String, byte[]> compile(Map<String, String> sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Map<String, ByteArrayOutputStream> out = new LinkedHashMap<>();
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, src) -> units.add(new SimpleJavaFileObject(URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return src;
            }
        }));
        StandardJavaFileManager std = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        JavaFileManager fm = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return out.computeIfAbsent(className.replace('.', '/') + ".class", k -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        List<String> options = List.of("--release", "17", "-proc:none", "-classpath", System.getProperty("java.class.path"));
        StringBuilder diagnostics = new StringBuilder();
        boolean ok = javac.getTask(null, fm, d -> diagnostics.append(d).append('\n'), options, null, units).call();
        if (!ok) throw new IllegalStateException("test plugin does not compile:\n" + diagnostics);
        Map<String, byte[]> classes = new LinkedHashMap<>();
        out.forEach((k, v) -> classes.put(k, v.toByteArray()));
        return classes;
    }

    /** A PF4J manifest descriptor; {@code null} values are left out. */
    public static Map<String, String> descriptor(String id, String version, String requires) {
        Map<String, String> m = new LinkedHashMap<>();
        if (id != null) m.put("Plugin-Id", id);
        if (version != null) m.put("Plugin-Version", version);
        if (requires != null) m.put("Plugin-Requires", requires);
        m.put("Plugin-Provider", "test");
        return m;
    }

    /** {@code META-INF/extensions.idx} listing these classes. */
    public static Map<String, byte[]> index(String... classNames) {
        return Map.of("META-INF/extensions.idx", (String.join("\n", classNames) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a plugin jar: the manifest plus each group of entries. */
    @SafeVarargs
    public static Path jar(Path file, Map<String, String> manifest, Map<String, byte[]>... entries) {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(file), mf)) {
            for (Map<String, byte[]> group : entries) write(jar, "", group);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Writes a zip plugin: {@code plugin.properties} and the entries under {@code classes/}. */
    @SafeVarargs
    public static Path zip(Path file, Map<String, String> properties, Map<String, byte[]>... entries) {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            StringBuilder p = new StringBuilder();
            properties.forEach((k, v) -> p.append(k).append('=').append(v).append('\n'));
            write(zip, "", Map.of("plugin.properties", p.toString().getBytes(StandardCharsets.UTF_8)));
            for (Map<String, byte[]> group : entries) write(zip, "classes/", group);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The bytes of a class file on the test classpath (to build a jar that bundles it). */
    public static Map<String, byte[]> classBytes(Class<?> c) {
        String entry = c.getName().replace('.', '/') + ".class";
        try (var in = c.getClassLoader().getResourceAsStream(entry)) {
            return Map.of(entry, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(ZipOutputStream zip, String prefix, Map<String, byte[]> entries) throws IOException {
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            zip.putNextEntry(new ZipEntry(prefix + e.getKey()));
            zip.write(e.getValue());
            zip.closeEntry();
        }
    }
}
