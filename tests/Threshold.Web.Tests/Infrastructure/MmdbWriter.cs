using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>
/// Writes a small MaxMind DB (.mmdb) file, so tests can build the location database they read
/// (https://maxmind.github.io/MaxMind-DB/). An IPv6 tree (IPv4 networks live under ::/96, as in
/// GeoLite2 and DB-IP) with 24-bit records, a data section of maps, arrays, strings and unsigned
/// integers, and the metadata map after the "\xAB\xCD\xEFMaxMind.com" marker. Networks must not
/// overlap; that is all a test needs.
/// </summary>
public sealed class MmdbWriter
{
    private const int RecordSize = 24;
    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    private readonly List<(byte[] Bits, int PrefixLength, object Data)> _networks = [];

    public string DatabaseType { get; init; } = "Threshold-Test-City";
    public DateTimeOffset BuiltAt { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Adds a network ("203.0.113.0/24", "2001:db8::/32") whose addresses all have <paramref name="data"/>.</summary>
    /// <param name="data">Strings, unsigned numbers, string arrays and dictionaries of these (string keys).</param>
    public MmdbWriter Add(string cidr, object data)
    {
        var slash = cidr.IndexOf('/');
        var address = IPAddress.Parse(cidr[..slash]);
        var length = int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            // IPv4 a.b.c.d/n is ::a.b.c.d/(96+n), where readers look IPv4 addresses up.
            var v6 = new byte[16];
            address.GetAddressBytes().CopyTo(v6, 12);
            _networks.Add((v6, 96 + length, data));
        }
        else _networks.Add((address.GetAddressBytes(), length, data));
        return this;
    }

    public void WriteTo(string path) => File.WriteAllBytes(path, Build());

    public byte[] Build()
    {
        // The tree: node 0 is the root; each node holds a left (bit 0) and a right (bit 1) record.
        var nodes = new List<Record[]> { NewNode() };
        var data = new MemoryStream();
        foreach (var (bits, prefixLength, value) in _networks)
        {
            var offset = (int)data.Length;
            Encode(data, value);
            var node = 0;
            for (var depth = 0; depth < prefixLength; depth++)
            {
                var bit = (bits[depth / 8] >> (7 - depth % 8)) & 1;
                var record = nodes[node][bit];
                if (depth == prefixLength - 1)
                {
                    if (record.Kind != RecordKind.Empty) throw new InvalidOperationException("Overlapping networks are not supported.");
                    nodes[node][bit] = new(RecordKind.Data, offset);
                }
                else if (record.Kind == RecordKind.Node) node = record.Value;
                else if (record.Kind == RecordKind.Empty)
                {
                    nodes.Add(NewNode());
                    nodes[node][bit] = new(RecordKind.Node, nodes.Count - 1);
                    node = nodes.Count - 1;
                }
                else throw new InvalidOperationException("Overlapping networks are not supported.");
            }
        }

        var nodeCount = nodes.Count;
        var file = new MemoryStream();
        foreach (var node in nodes)
            foreach (var record in node)
                WriteUInt24(file, record.Kind switch
                {
                    RecordKind.Node => record.Value,
                    // A data record points past the tree and the 16-byte separator into the data section.
                    RecordKind.Data => nodeCount + 16 + record.Value,
                    _ => nodeCount,
                });
        file.Write(new byte[16]);
        data.Position = 0;
        data.CopyTo(file);

        file.Write(MetadataMarker);
        Encode(file, new Dictionary<string, object>
        {
            ["binary_format_major_version"] = (ushort)2,
            ["binary_format_minor_version"] = (ushort)0,
            ["build_epoch"] = (ulong)BuiltAt.ToUnixTimeSeconds(),
            ["database_type"] = DatabaseType,
            ["description"] = new Dictionary<string, object> { ["en"] = "Threshold test locations" },
            ["ip_version"] = (ushort)6,
            ["languages"] = new[] { "en" },
            ["node_count"] = (uint)nodeCount,
            ["record_size"] = (ushort)RecordSize,
        });
        return file.ToArray();
    }

    private static Record[] NewNode() => [new(RecordKind.Empty, 0), new(RecordKind.Empty, 0)];

    private static void WriteUInt24(Stream output, int value)
    {
        if (value is < 0 or >= 1 << 24) throw new InvalidOperationException("Too large for 24-bit records.");
        output.WriteByte((byte)(value >> 16));
        output.WriteByte((byte)(value >> 8));
        output.WriteByte((byte)value);
    }

    // ------------------------------------------------------------------ data section

    private const int TypeString = 2, TypeUInt16 = 5, TypeUInt32 = 6, TypeMap = 7, TypeUInt64 = 9, TypeArray = 11;

    private static void Encode(Stream output, object value)
    {
        switch (value)
        {
            case string text:
                var bytes = Encoding.UTF8.GetBytes(text);
                Control(output, TypeString, bytes.Length);
                output.Write(bytes);
                break;
            case ushort number:
                Unsigned(output, TypeUInt16, number);
                break;
            case uint number:
                Unsigned(output, TypeUInt32, number);
                break;
            case ulong number:
                Unsigned(output, TypeUInt64, number);
                break;
            case IDictionary<string, object> map:
                Control(output, TypeMap, map.Count);
                foreach (var (key, item) in map)
                {
                    Encode(output, key);
                    Encode(output, item);
                }
                break;
            case string[] items:
                Control(output, TypeArray, items.Length);
                foreach (var item in items) Encode(output, item);
                break;
            default:
                throw new ArgumentException($"Cannot encode a {value.GetType().Name}; use string, ushort, uint, ulong, string[] or Dictionary<string, object>.");
        }
    }

    /// <summary>Unsigned integers take as many big-endian bytes as they need (none for zero).</summary>
    private static void Unsigned(Stream output, int type, ulong number)
    {
        var bytes = new List<byte>();
        for (var n = number; n > 0; n >>= 8) bytes.Insert(0, (byte)n);
        Control(output, type, bytes.Count);
        output.Write(bytes.ToArray());
    }

    /// <summary>
    /// The control byte: type in the top 3 bits (0 for an extended type, whose number minus 7
    /// follows), size in the low 5 bits, with 1–3 extra size bytes for sizes of 29 and more.
    /// </summary>
    private static void Control(Stream output, int type, int size)
    {
        var first = type <= 7 ? type << 5 : 0;
        byte[] extra;
        if (size < 29) { first |= size; extra = []; }
        else if (size < 29 + 256) { first |= 29; extra = [(byte)(size - 29)]; }
        else if (size < 285 + 65536) { first |= 30; extra = [(byte)((size - 285) >> 8), (byte)(size - 285)]; }
        else { first |= 31; var s = size - 65821; extra = [(byte)(s >> 16), (byte)(s >> 8), (byte)s]; }
        output.WriteByte((byte)first);
        if (type > 7) output.WriteByte((byte)(type - 7));
        output.Write(extra);
    }

    private enum RecordKind { Empty, Node, Data }

    private readonly record struct Record(RecordKind Kind, int Value);
}

/// <summary>The location database the tests build: documentation-range addresses (RFC 5737) in both common record shapes.</summary>
public static class TestLocations
{
    /// <summary>In 203.0.113.0/24: a GeoIP2 / DB-IP city record, Lisbon in Portugal.</summary>
    public const string Lisbon = "203.0.113.7";
    /// <summary>In 198.51.100.0/24: an ip-location-db country record, Germany.</summary>
    public const string Germany = "198.51.100.7";
    /// <summary>In 192.0.2.0/24: a GeoIP2 country record (no city), Japan.</summary>
    public const string Japan = "192.0.2.7";
    /// <summary>A public address the database does not list.</summary>
    public const string Unlisted = "198.18.0.7";

    public static MmdbWriter Writer() => new MmdbWriter()
        .Add("203.0.113.0/24", new Dictionary<string, object>
        {
            ["country"] = new Dictionary<string, object> { ["iso_code"] = "PT", ["names"] = new Dictionary<string, object> { ["en"] = "Portugal" } },
            ["city"] = new Dictionary<string, object> { ["names"] = new Dictionary<string, object> { ["en"] = "Lisbon", ["pt-BR"] = "Lisboa" } },
            ["location"] = new Dictionary<string, object> { ["time_zone"] = "Europe/Lisbon" },
        })
        .Add("198.51.100.0/24", new Dictionary<string, object> { ["country_code"] = "DE" })
        .Add("192.0.2.0/24", new Dictionary<string, object>
        {
            ["country"] = new Dictionary<string, object> { ["iso_code"] = "JP", ["geoname_id"] = 1861060u },
        });

    /// <summary>Writes the database into <paramref name="folder"/> and returns its path.</summary>
    public static string WriteTo(string folder)
    {
        var path = Path.Combine(folder, "test-locations.mmdb");
        Writer().WriteTo(path);
        return path;
    }
}
