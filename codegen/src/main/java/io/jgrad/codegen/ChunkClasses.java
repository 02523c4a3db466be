package io.jgrad.codegen;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.tree.MethodNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.objectweb.asm.Opcodes.*;

/**
 * Where the chunk methods of one {@link BodyEmitter} body go, and the drivers that call them in
 * order: the main class while it has room, then chunk classes (one open at a time, each with its
 * own driver, which the main class's driver calls through a handle). With templates on, chunks
 * are recorded and written per class once its chunks are known ({@link ChunkTemplates}).
 */
final class ChunkClasses {
    private final ClassGen main;
    private final String name;
    private ClassGen open;
    private int openFrom;
    private final List<ClassGen.Method> chunks = new ArrayList<>();
    /** What the driver in the main class calls: the chunks there, then the driver of each chunk class. */
    private final List<ClassGen.Method> top = new ArrayList<>();
    /** Chunk recording per class ({@link ChunkTemplates}), when templates are on. */
    private final Map<ClassGen, ChunkTemplates> templates = new IdentityHashMap<>();
    final boolean templatesOn = ChunkTemplates.enabled;
    /** The method a chunk's call goes to, by chunk name, once its class's chunks are written. */
    private final Map<String, ClassGen.Method> calls = new HashMap<>();
    /** The chunk being recorded, or null. */
    private MethodNode recording;

    ChunkClasses(ClassGen main, String name) {
        this.main = main;
        this.name = name;
    }

    /** The name of the next chunk method. */
    String nextChunk() { return name + "$" + chunks.size(); }

    /** The class chunk {@code method} goes to: the main class or the open chunk class while it has room, else a new chunk class. */
    ClassGen classFor(String method) {
        if (open == null && main.hasRoomForChunk(method)) return main;
        if (open != null && open.hasRoomForChunk(method)) return open;
        return newChunkClass();
    }

    /** Starts chunk {@code method} in {@code cg}: its code goes to the visitor returned (recorded when templates are on). */
    MethodVisitor start(ClassGen cg, String method) {
        MethodVisitor mv;
        if (templatesOn) {
            recording = templates.computeIfAbsent(cg, ChunkTemplates::new).start(method);
            mv = recording;
        } else {
            mv = cg.staticBody(method);
        }
        chunks.add(new ClassGen.Method(cg, method));
        if (cg == main) top.add(chunks.get(chunks.size() - 1));
        return mv;
    }

    /** The chunk started in {@code cg} has ended, {@code bytes} long. */
    void end(ClassGen cg, int bytes) {
        if (recording != null) {
            templates.get(cg).end(recording, bytes);
            recording = null;
        }
    }

    /** Closes the open chunk class and writes the main class's chunks, so that a driver can call them. */
    void finishStatements() {
        closeChunkClass();
        flush(main);
    }

    /** A driver in the main class calling the chunks written since the last driver, named the body's name + {@code suffix}. */
    String mainDriver(String suffix) {
        String d = driver(main, name + suffix, top);
        top.clear();   // chunks keeps growing: chunk method names stay distinct
        return d;
    }

    /** Writes the recorded chunks of {@code c} (templates where chunks repeat): the drivers can call them from here on. */
    private void flush(ClassGen c) {
        ChunkTemplates t = templates.get(c);
        if (t != null) t.flush(calls);
    }

    /** The main class (or the last chunk class) is full: the chunks from here on go to a new chunk class. */
    private ClassGen newChunkClass() {
        closeChunkClass();
        open = main.newChunkClass();
        openFrom = chunks.size();
        return open;
    }

    /** Gives the open chunk class a driver calling its chunks, which the main class's driver calls; finishes it. */
    private void closeChunkClass() {
        if (open == null) return;
        String run = name + "$run";
        flush(open);
        top.add(new ClassGen.Method(open, driver(open, run, chunks.subList(openFrom, chunks.size()))));
        open.staticInit();
        open.toBytes();
        open = null;
    }

    /**
     * A method of {@code owner} that calls the given ones in order and returns the last one's
     * value: directly in its own class, through a handle in another.
     */
    private String driver(ClassGen owner, String driverName, List<ClassGen.Method> callees) {
        if (callees.size() > BodyEmitter.CALLS_PER_DRIVER) {
            List<ClassGen.Method> groups = new ArrayList<>();
            for (int i = 0; i < callees.size(); i += BodyEmitter.CALLS_PER_DRIVER) {
                String g = driverName + "$g" + groups.size();
                driver(owner, g, callees.subList(i, Math.min(callees.size(), i + BodyEmitter.CALLS_PER_DRIVER)));
                groups.add(new ClassGen.Method(owner, g));
            }
            return driver(owner, driverName, groups);
        }
        MethodVisitor d = owner.staticBody(driverName);
        d.visitCode();
        for (int i = 0; i < callees.size(); i++) {
            ClassGen.Method c = calls.getOrDefault(callees.get(i).name(), callees.get(i));
            if (c.owner() == owner && c.rowBase() >= 0) {
                for (int a = 0; a < BodyEmitter.FIRST_LOCAL; a++) d.visitVarInsn(ALOAD, a);
                Insns.iconst(d, c.rowBase());
                d.visitMethodInsn(INVOKESTATIC, owner.name, c.name(), owner.templateDesc, false);
            } else if (c.owner() == owner) {
                for (int a = 0; a < BodyEmitter.FIRST_LOCAL; a++) d.visitVarInsn(ALOAD, a);
                d.visitMethodInsn(INVOKESTATIC, owner.name, c.name(), owner.bodyDesc, false);
            } else {
                if (c.rowBase() >= 0) throw new IllegalStateException("a template is called from its own class only: " + c.name());
                // a constant handle: the JIT inlines the call as if it were invokestatic
                d.visitFieldInsn(GETSTATIC, owner.name, owner.handleField(c), "L" + ClassGen.HANDLE + ";");
                for (int a = 0; a < BodyEmitter.FIRST_LOCAL; a++) d.visitVarInsn(ALOAD, a);
                d.visitMethodInsn(INVOKEVIRTUAL, ClassGen.HANDLE, "invokeExact", owner.bodyDesc, false);
            }
            if (i + 1 < callees.size()) d.visitInsn(owner.io.pop);
        }
        d.visitInsn(owner.io.ret);   // every class of one function shares its dtype
        d.visitMaxs(0, 0);
        d.visitEnd();
        return driverName;
    }
}
