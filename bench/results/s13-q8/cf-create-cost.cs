#:package RocksDB@11.12.0.7641
#:property AllowUnsafeBlocks=true
#:property PublishAot=false
using RocksDbSharp;
using System.Diagnostics;
var table = new BlockBasedTableOptions().SetFilterPolicy(Native.Instance.rocksdb_filterpolicy_create_bloom_full(10)).SetWholeKeyFiltering(true);
var cfo = new ColumnFamilyOptions().SetBlockBasedTableFactory(table).SetCompression(Compression.No).SetMemtablePrefixBloomSizeRatio(0.02);
double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
var modes = new[] { "none", "single", "plural", "atopen" };
var cpu = new Dictionary<string, List<double>>(); var wall = new Dictionary<string, List<double>>();
foreach (var m in modes) { cpu[m] = new(); wall[m] = new(); }
for (int r = 0; r < 15; r++) foreach (var mode in modes) {
  var path = $"/tmp/s13-q8/cf/q-{mode}-{r}"; if (Directory.Exists(path)) Directory.Delete(path, true);
  var fams = new ColumnFamilies(cfo);
  if (mode == "atopen") { fams.Add("store.s0", cfo); fams.Add("store.s1", cfo); }
  var c = Cpu(); var sw = Stopwatch.StartNew();
  var db = RocksDb.Open(new DbOptions().SetCreateIfMissing(true).SetCreateMissingColumnFamilies(true), path, fams);
  if (mode == "single") for (int i = 0; i < 2; i++) db.CreateColumnFamily(cfo, "store.s" + i);
  if (mode == "plural") { var names = new[] { "store.s0", "store.s1" }; Native.Instance.rocksdb_create_column_families(db.Handle, cfo.Handle, 2, names, out UIntPtr n, out IntPtr err); }
  if (r > 0) { cpu[mode].Add(Cpu() - c); wall[mode].Add(sw.Elapsed.TotalMilliseconds); }
  db.Dispose(); Directory.Delete(path, true);
}
foreach (var m in modes) { var cs = cpu[m].Order().ToList(); var ws = wall[m].Order().ToList();
  Console.WriteLine($"{m,-7} open+2 families: CPU median {cs[cs.Count/2]:F1} ms (min {cs[0]:F1}), wall median {ws[ws.Count/2]:F1} ms (min {ws[0]:F1})"); }
