package dev.agentsim.worker.cli;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The batches' JUnit exports as one report: a {@code <testsuites>} holding each batch's {@code
 * <testsuite>}.
 */
final class JunitReport {

  /** One batch's export and the suite it ran for. */
  record Part(String suite, String xml) {}

  private static final List<String> TOTALS = List.of("tests", "failures", "errors", "skipped");

  private JunitReport() {}

  static String merge(List<Part> parts) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document report = factory.newDocumentBuilder().newDocument();
      Element root = report.createElement("testsuites");
      root.setAttribute("name", "agentsim");
      report.appendChild(root);
      long[] totals = new long[TOTALS.size()];
      for (int id = 0; id < parts.size(); id++) {
        Part part = parts.get(id);
        Element suite =
            factory
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(part.xml().getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
        // a scenario may run in several suites: the suite's name keeps their test suites apart
        suite.setAttribute("name", part.suite() + " / " + suite.getAttribute("name"));
        // what Ant's aggregated reports give each test suite, and the schema CI servers read
        // requires
        suite.setAttribute("package", part.suite());
        suite.setAttribute("id", Integer.toString(id));
        for (int i = 0; i < totals.length; i++) {
          String value = suite.getAttribute(TOTALS.get(i));
          totals[i] += value.isEmpty() ? 0 : Long.parseLong(value);
        }
        root.appendChild(report.createTextNode("\n"));
        root.appendChild(report.importNode(suite, true));
      }
      root.appendChild(report.createTextNode("\n"));
      for (int i = 0; i < totals.length; i++) {
        root.setAttribute(TOTALS.get(i), Long.toString(totals[i]));
      }
      // not indented: the exports are, and indenting again would double their blank lines
      var transformer = TransformerFactory.newInstance().newTransformer();
      transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
      StringWriter xml = new StringWriter();
      transformer.transform(new DOMSource(report), new StreamResult(xml));
      return xml.toString();
    } catch (Exception e) {
      throw new Failure("cannot write the JUnit report: " + e.getMessage(), e);
    }
  }
}
