package io.drover.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * extra/macOS: no launchd here, so the plists are checked for what can go wrong off a Mac: well
 * formed (xmllint), and the keys launchd needs, with drover in the foreground.
 */
class LaunchdPlistsIT {
    @TempDir
    Path tmp;

    Sandbox box;

    @BeforeEach
    void sandbox() {
        box = new Sandbox(tmp);
    }

    @AfterEach
    void tearDown() {
        box.close();
    }

    /** The top-level dict as key to value element; keys and values must alternate. */
    static Map<String, Element> topDict(Path plist) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        // The DOCTYPE names Apple's DTD on the web: never fetch it.
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setIgnoringComments(true);
        Element root = f.newDocumentBuilder().parse(plist.toFile()).getDocumentElement();
        assertEquals("plist", root.getTagName());
        Element dict = children(root).get(0);
        assertEquals("dict", dict.getTagName());
        List<Element> items = children(dict);
        Map<String, Element> map = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i += 2) {
            assertEquals("key", items.get(i).getTagName(), plist + ": item " + i + " should be a key");
            assertTrue(i + 1 < items.size(), plist + ": key " + items.get(i).getTextContent() + " has no value");
            assertFalse(items.get(i + 1).getTagName().equals("key"), plist + ": key " + items.get(i).getTextContent()
                    + " has no value");
            map.put(items.get(i).getTextContent(), items.get(i + 1));
        }
        return map;
    }

    static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                out.add(child);
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"io.drover.worker, worker", "io.drover.beat, beat"})
    void the_plist_is_well_formed_and_runs_drover_in_the_foreground(String label, String command) throws Exception {
        Path plist = Sandbox.dist().resolve("extra/macOS/" + label + ".plist");
        Path xmllint = Sandbox.requireProgram("xmllint", "libxml2-utils");
        Sandbox.Result r = box.run(List.of(xmllint.toString(), "--noout", "--nonet", plist.toString()), Map.of(), false);
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.err(), r.toString());

        Map<String, Element> keys = topDict(plist);
        assertEquals(label, keys.get("Label").getTextContent(), "Label is the file's name");
        List<String> args = children(keys.get("ProgramArguments")).stream().map(Element::getTextContent).toList();
        assertTrue(args.get(0).startsWith("/") && args.get(0).endsWith("/drover"), "an absolute path to drover: " + args);
        assertEquals(command, args.get(1));
        assertFalse(args.contains("--detach"), "launchd supervises a foreground process: " + args);
        assertEquals("true", keys.get("KeepAlive").getTagName());
        assertEquals("true", keys.get("RunAtLoad").getTagName());
        assertTrue(keys.containsKey("UserName"), "a plist run by root's launchd should not run drover as root");
        assertTrue(Integer.parseInt(keys.get("ExitTimeOut").getTextContent()) >= 30, "time for a warm shutdown");
        assertEquals(keys.get("StandardOutPath").getTextContent(), keys.get("StandardErrorPath").getTextContent());
    }
}
