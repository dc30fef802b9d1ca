package conformance;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Runs the cases of an input file through Kafka Streams' TopologyTestDriver and writes what each
 * produced as JSON, for spec/conformance/differential-spec.ts. One JVM runs every case: start-up
 * is the expensive part. Each case's driver keeps its RocksDB stores under <state-dir>/case-<n>.
 *
 * Input, one line each, tab-separated, keys and values as hex of their bytes ("~" for null):
 *   case  topology  seed  out-topic,out-topic,...
 *   in    topic     key   value  timestamp
 *   end
 * Output: {"cases":[{"topology","seed","describe","error","outputs":[{"step","topic","key","value","timestamp"}]}]}
 * where "step" is the index of the input record that caused the output.
 */
public final class Main {
  private static final HexFormat HEX = HexFormat.of();

  private Main() {}

  /** One case of the input file. */
  private record Case(String topology, long seed, String[] outputTopics, List<String[]> inputs) {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: conformance.Main <cases.tsv> <results.json> <state-dir>");
      System.exit(2);
    }
    Map<String, Supplier<Topology>> catalogue = Catalogue.all();
    List<Case> cases = parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8), catalogue);
    // Cases are independent (each driver has its own state directory), and a driver spends much
    // of its time waiting on RocksDB, so they run on a few threads; results keep the input order.
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      Path stateDir = Path.of(args[2], "case-" + i);
      results.add(pool.submit(() -> runCase(c, catalogue.get(c.topology()).get(), stateDir)));
    }
    try (Writer out = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
      out.write("{\"cases\":[");
      for (int i = 0; i < results.size(); i++) {
        if (i > 0) out.write(',');
        out.write(results.get(i).get());
      }
      out.write("]}\n");
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Case> parse(List<String> lines, Map<String, Supplier<Topology>> catalogue) {
    List<Case> cases = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String[] header = lines.get(i++).split("\t", -1);
      if (header.length == 1 && header[0].isEmpty()) continue;
      if (!header[0].equals("case") || header.length != 4) throw new IllegalArgumentException("line " + i + ": expected 'case<TAB>topology<TAB>seed<TAB>outputs', got " + String.join(" ", header));
      if (!catalogue.containsKey(header[1])) throw new IllegalArgumentException("No topology named " + header[1] + " in the Java catalogue (conformance/java/src/main/java/conformance/)");
      List<String[]> inputs = new ArrayList<>();
      while (!lines.get(i).equals("end")) inputs.add(lines.get(i++).split("\t", -1));
      i++;
      cases.add(new Case(header[1], Long.parseLong(header[2]), header[3].isEmpty() ? new String[0] : header[3].split(","), inputs));
    }
    return cases;
  }

  private static Properties config(Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "conformance");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.IntegerSerde.class);
    // No record cache: every update goes downstream, as in our test driver.
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    // The driver's wall clock never moves, so these wall-clock throttles would hold results back.
    props.put("__emit.interval.ms.kstreams.outer.join.spurious.results.fix__", 0L);
    props.put("__emit.interval.ms.kstreams.windowed.aggregation__", 0L);
    return props;
  }

  private static String runCase(Case c, Topology topology, Path stateDir) {
    StringBuilder out = new StringBuilder();
    out.append("{\"topology\":" + Json.string(c.topology()) + ",\"seed\":" + c.seed() + ",\"describe\":" + Json.string(topology.describe().toString()));
    StringBuilder outputs = new StringBuilder();
    String error = null;
    int step = 0;
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, config(stateDir), Instant.ofEpochMilli(0))) {
      Map<String, TestInputTopic<byte[], byte[]>> in = new java.util.HashMap<>();
      Map<String, TestOutputTopic<byte[], byte[]>> outTopics = new java.util.LinkedHashMap<>();
      for (String topic : c.outputTopics()) outTopics.put(topic, driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
      for (String[] input : c.inputs()) {
        TestInputTopic<byte[], byte[]> topic = in.computeIfAbsent(input[1], t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()));
        topic.pipeInput(bytes(input[2]), bytes(input[3]), Long.parseLong(input[4]));
        for (Map.Entry<String, TestOutputTopic<byte[], byte[]>> output : outTopics.entrySet()) {
          for (TestRecord<byte[], byte[]> record : output.getValue().readRecordsToList()) {
            if (outputs.length() > 0) outputs.append(',');
            outputs.append("{\"step\":").append(step).append(",\"topic\":").append(Json.string(output.getKey()))
                .append(",\"key\":").append(hex(record.key())).append(",\"value\":").append(hex(record.value()))
                .append(",\"timestamp\":").append(record.timestamp()).append('}');
          }
        }
        step++;
      }
    } catch (RuntimeException e) {
      error = "at input " + step + ": " + e;
    }
    return out.append(",\"error\":" + (error == null ? "null" : Json.string(error)) + ",\"outputs\":[" + outputs + "]}").toString();
  }

  private static byte[] bytes(String hex) {
    return hex.equals("~") ? null : HEX.parseHex(hex);
  }

  private static String hex(byte[] bytes) {
    return bytes == null ? "null" : "\"" + HEX.formatHex(bytes) + "\"";
  }
}
