package org.sampler4j.host.optimize;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import org.sampler4j.api.ApiVersion;
import org.sampler4j.api.preset.TablePreset;
import org.sampler4j.host.model.ModelException;

/**
 * Packs a preset file as a PF4J preset plugin: drop the jar into a plugins folder and {@code preset(ID, n)} works.
 *
 * <p>The jar holds
 * <ul>
 *   <li>{@code META-INF/MANIFEST.MF} with {@code Plugin-Id}, {@code Plugin-Version}, {@code Plugin-Requires} (this api's
 *       version), {@code Plugin-Provider} and {@code Plugin-Description};</li>
 *   <li>the preset file as the resource {@code sampler4j-presets/ID.json};</li>
 *   <li>one class, {@code org.sampler4j.presets.generated.P_ID}, and {@code META-INF/extensions.idx} naming it.</li>
 * </ul>
 * The class is all the plugin's code: {@code public final class P_ID extends TablePreset { public P_ID() {
 * super(P_ID.class, "/sampler4j-presets/ID.json"); } }}. The logic (reading the table, interpolating, checking the noise
 * model) is {@link TablePreset}'s, in the api the host provides to every plugin, so the jar bundles no api class (which
 * the host would refuse) and a fix in the api reaches every packed preset. The class must be the plugin's own, not the
 * host's: the host loads extensions through the plugin's class loader and refuses an extension class that is also on its
 * classpath, and each plugin needs its own class to find its own resource. Its bytes are written here by a minimal
 * class-file writer (class-file version 52, one constructor of four instructions, PF4J's {@code @Extension} annotation)
 * rather than compiled, so packing needs no Java compiler and no template class on the host's classpath.
 */
public final class PresetJar {
    /** Valid preset ids: letters, digits, {@code _ - .}, starting with a letter. */
    public static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
    /** The package of generated preset classes. */
    public static final String PACKAGE = "org.sampler4j.presets.generated";

    private PresetJar() {}

    /** Checks a preset id, or fails naming the rule. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new ModelException("preset id '" + id + "' is not valid: use 1-64 letters, digits, '_', '-' or '.', starting with a letter (e.g. digits-dpmpp2m-6)");
        }
        return id;
    }

    /** The resource name of a preset's table. */
    public static String resource(String id) {
        return "/sampler4j-presets/" + id + ".json";
    }

    /** The generated class's binary name. */
    public static String className(String id) {
        return PACKAGE + ".P_" + id.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /**
     * Writes the plugin jar.
     *
     * @param jar the file to write (parent folders are created)
     * @param id the preset id (also the plugin id)
     * @param version the plugin version
     * @param description one line for listings
     * @param presetJson the preset file's text (its {@code id} must be {@code id})
     */
    public static void write(Path jar, String id, String version, String description, String presetJson) throws IOException {
        checkId(id);
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Plugin-Id", id);
        a.putValue("Plugin-Version", version);
        a.putValue("Plugin-Requires", ApiVersion.current());
        a.putValue("Plugin-Provider", "sampler4j optimize");
        a.putValue("Plugin-Description", description.replace('\n', ' '));
        Path parent = jar.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        String cls = className(id);
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
            ByteArrayOutputStream manifest = new ByteArrayOutputStream();
            mf.write(manifest);
            put(out, "META-INF/MANIFEST.MF", manifest.toByteArray());
            put(out, "META-INF/extensions.idx", (cls + "\n").getBytes(StandardCharsets.UTF_8));
            put(out, resource(id).substring(1), presetJson.getBytes(StandardCharsets.UTF_8));
            put(out, cls.replace('.', '/') + ".class", presetClass(cls.replace('.', '/'), resource(id)));
        }
    }

    private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
        JarEntry e = new JarEntry(name);
        e.setTime(0); // reproducible jars: the same preset gives the same bytes
        out.putNextEntry(e);
        out.write(bytes);
        out.closeEntry();
    }

    /**
     * The class file of {@code public final class NAME extends TablePreset} with a public no-argument constructor that
     * calls {@code TablePreset(NAME.class, resource)}, annotated {@code @org.pf4j.Extension}.
     *
     * @param internalName the class's internal name ({@code a/b/C})
     * @param resource the table resource
     */
    static byte[] presetClass(String internalName, String resource) {
        String superName = TablePreset.class.getName().replace('.', '/');
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bytes)) {
            d.writeInt(0xCAFEBABE);
            d.writeShort(0);
            d.writeShort(52);
            // constant pool, entries 1..14
            d.writeShort(15);
            utf8(d, internalName);                       // 1
            d.writeByte(7); d.writeShort(1);              // 2 Class this
            utf8(d, superName);                           // 3
            d.writeByte(7); d.writeShort(3);              // 4 Class super
            utf8(d, "<init>");                            // 5
            utf8(d, "()V");                               // 6
            utf8(d, "Code");                              // 7
            utf8(d, "(Ljava/lang/Class;Ljava/lang/String;)V"); // 8
            d.writeByte(12); d.writeShort(5); d.writeShort(8); // 9 NameAndType <init>(Class, String)
            d.writeByte(10); d.writeShort(4); d.writeShort(9); // 10 Methodref super.<init>
            utf8(d, resource);                            // 11
            d.writeByte(8); d.writeShort(11);             // 12 String resource
            utf8(d, "RuntimeVisibleAnnotations");         // 13
            utf8(d, "Lorg/pf4j/Extension;");              // 14
            d.writeShort(0x0001 | 0x0010 | 0x0020);       // public final super
            d.writeShort(2);
            d.writeShort(4);
            d.writeShort(0);                              // interfaces
            d.writeShort(0);                              // fields
            d.writeShort(1);                              // methods
            d.writeShort(0x0001);                         // public <init>()V
            d.writeShort(5);
            d.writeShort(6);
            d.writeShort(1);
            byte[] code = {0x2a, 0x12, 2, 0x12, 12, (byte) 0xb7, 0, 10, (byte) 0xb1}; // aload_0; ldc this; ldc res; invokespecial; return
            d.writeShort(7);
            d.writeInt(2 + 2 + 4 + code.length + 2 + 2);
            d.writeShort(3);                              // max stack
            d.writeShort(1);                              // max locals
            d.writeInt(code.length);
            d.write(code);
            d.writeShort(0);                              // exception table
            d.writeShort(0);                              // code attributes
            d.writeShort(1);                              // class attributes: @Extension
            d.writeShort(13);
            d.writeInt(2 + 2 + 2);
            d.writeShort(1);
            d.writeShort(14);
            d.writeShort(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static void utf8(DataOutputStream d, String s) throws IOException {
        d.writeByte(1);
        d.writeUTF(s);
    }
}
