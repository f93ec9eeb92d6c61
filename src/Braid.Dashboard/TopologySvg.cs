using System.Net;
using System.Text;

namespace Braid.Dashboard;

/// <summary>
/// Draws a topology description as SVG with no script library: one column per sub-topology, processors in
/// rows by depth (sources first), source topics above, sink topics below, stores to the right.
/// </summary>
internal static class TopologySvg
{
    private const int BoxW = 230, BoxH = 34, RowH = 64, ColGap = 120, Margin = 20, StoreW = 150;

    public static string Render(TopologyDescription d)
    {
        var body = new StringBuilder();
        var pos = new Dictionary<string, (int X, int Y)>();
        int x = Margin, height = 0;
        var groups = d.Subtopologies.Select(s => ($"Sub-topology {s.Id}", s.Nodes)).ToList();
        if (d.GlobalStores.Count > 0) groups.Add(("Global stores", d.GlobalStores));
        foreach (var (title, nodes) in groups)
        {
            var depth = Depths(nodes);
            int rows = depth.Values.DefaultIfEmpty(0).Max() + 1;
            int top = Margin + 24;
            var rowsUsed = new Dictionary<int, int>();
            int colW = BoxW, topicRow = 0;
            // Source topics on row 0, processors from row 1, sink topics after the deepest processor.
            var boxes = new List<(string Id, string Label, string Css, int Row)>();
            foreach (var n in nodes.Where(n => n.Kind == "Source"))
                foreach (var t in n.Topics) boxes.Add(("topic:" + t, t, "topic", topicRow));
            foreach (var n in nodes) boxes.Add((n.Name, $"{n.Kind}: {n.Name}", n.Kind.ToLowerInvariant(), depth[n.Name] + 1));
            foreach (var n in nodes.Where(n => n.Kind == "Sink"))
                foreach (var t in n.Topics) boxes.Add(("topic:" + t, t, "topic", rows + 1));
            int widest = 1;
            foreach (var (id, label, css, row) in boxes)
            {
                if (pos.ContainsKey(id) && css == "topic") continue;
                int i = rowsUsed.GetValueOrDefault(row);
                rowsUsed[row] = i + 1;
                widest = Math.Max(widest, i + 1);
                var p = (x + i * (BoxW + 16), top + row * RowH);
                pos[id] = p;
                body.Append($"<g class=\"node {css}\" data-name=\"{Esc(id)}\"><rect x=\"{p.Item1}\" y=\"{p.Item2}\" width=\"{BoxW}\" height=\"{BoxH}\" rx=\"{(css == "topic" ? 16 : 4)}\"/>")
                    .Append($"<text x=\"{p.Item1 + 8}\" y=\"{p.Item2 + 21}\">{Esc(Trim(label))}</text></g>");
            }
            colW = widest * (BoxW + 16);
            int storeX = x + colW, storeRow = 1;
            foreach (var store in nodes.SelectMany(n => n.Stores).Distinct())
            {
                if (pos.ContainsKey("store:" + store)) continue;
                var p = (storeX, top + storeRow++ * RowH);
                pos["store:" + store] = p;
                body.Append($"<g class=\"node store\" data-name=\"store:{Esc(store)}\"><rect x=\"{p.Item1}\" y=\"{p.Item2}\" width=\"{StoreW}\" height=\"{BoxH}\"/>")
                    .Append($"<text x=\"{p.Item1 + 8}\" y=\"{p.Item2 + 21}\">{Esc(Trim(store))}</text></g>");
            }
            int groupH = (rows + 2) * RowH + 30;
            body.Insert(0, $"<g class=\"cluster\"><rect x=\"{x - 10}\" y=\"{Margin}\" width=\"{colW + StoreW + 20}\" height=\"{groupH}\"/><text x=\"{x}\" y=\"{Margin + 16}\">{Esc(title)}</text></g>");
            foreach (var n in nodes)
            {
                foreach (var c in n.Successors) Edge(body, pos, n.Name, c, false);
                foreach (var t in n.Topics) Edge(body, pos, n.Kind == "Sink" ? n.Name : "topic:" + t, n.Kind == "Sink" ? "topic:" + t : n.Name, false);
                foreach (var s in n.Stores) Edge(body, pos, n.Name, "store:" + s, true);
            }
            x += colW + StoreW + ColGap;
            height = Math.Max(height, groupH + 2 * Margin);
        }
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"topology-svg\" width=\"{x}\" height=\"{height}\" viewBox=\"0 0 {x} {height}\">" +
               "<defs><marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>" +
               body + "</svg>";
    }

    private static void Edge(StringBuilder sb, Dictionary<string, (int X, int Y)> pos, string from, string to, bool dashed)
    {
        if (!pos.TryGetValue(from, out var a) || !pos.TryGetValue(to, out var b)) return;
        var (x1, y1, x2, y2) = dashed
            ? (a.X + BoxW, a.Y + BoxH / 2, b.X, b.Y + BoxH / 2)
            : (a.X + BoxW / 2, a.Y + BoxH, b.X + BoxW / 2, b.Y);
        sb.Append($"<line class=\"{(dashed ? "store-edge" : "edge")}\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"{(dashed ? "" : " marker-end=\"url(#arrow)\"")}/>");
    }

    // Depth of each node from the sources of its sub-topology (longest path), so edges point down.
    private static Dictionary<string, int> Depths(IReadOnlyList<TopologyNode> nodes)
    {
        var byName = nodes.ToDictionary(n => n.Name);
        var depth = new Dictionary<string, int>();
        int Visit(string name, int guard)
        {
            if (depth.TryGetValue(name, out int d)) return d;
            if (guard > nodes.Count) return 0;
            var parents = byName[name].Predecessors.Where(byName.ContainsKey).ToList();
            d = parents.Count == 0 ? 0 : parents.Max(p => Visit(p, guard + 1)) + 1;
            depth[name] = d;
            return d;
        }
        foreach (var n in nodes) Visit(n.Name, 0);
        return depth;
    }

    private static string Trim(string s) => s.Length <= 32 ? s : s[..31] + "…";

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
