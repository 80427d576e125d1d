using System.Buffers.Binary;
using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>
/// A passkey in software, standing in for a platform authenticator and the browser around it:
/// an EC P-256 (ES256) key, "none" attestation, and the JSON that <c>PublicKeyCredential.toJSON()</c>
/// produces in browsers (every binary value base64url, <c>clientExtensionResults</c> empty).
/// It answers the options JSON of /passkeys/creation-options and /passkeys/sign-in-options;
/// the knobs let a test lie the way an attacker or a broken client would.
/// </summary>
public sealed class SoftwareAuthenticator : IDisposable
{
    private const byte UserPresent = 0x01, UserVerifiedFlag = 0x04, AttestedData = 0x40;

    public SoftwareAuthenticator(string origin = PublicOrigin)
    {
        Origin = origin;
        Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CredentialId = RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>The origin the "browser" writes into clientDataJSON.</summary>
    public string Origin { get; set; }
    public ECDsa Key { get; }
    public byte[] CredentialId { get; private set; }
    /// <summary>The user.id of the creation options (the account id), returned as userHandle when signing in.</summary>
    public byte[]? UserHandle { get; private set; }
    public string? RpId { get; private set; }
    /// <summary>Many platform authenticators never count (0); a replay then is caught only by the single-use challenge.</summary>
    public uint SignCount { get; set; }
    public bool UserVerified { get; set; } = true;

    public string CredentialIdBase64Url => Base64Url.EncodeToString(CredentialId);

    /// <summary>A second authenticator claiming to hold this one's credential, with a key of its own.</summary>
    public SoftwareAuthenticator Impostor() => new(Origin) { CredentialId = CredentialId, UserHandle = UserHandle, RpId = RpId };

    /// <summary>navigator.credentials.create(): the attestation JSON for these creation options.</summary>
    public string Create(string creationOptionsJson)
    {
        var options = JsonNode.Parse(creationOptionsJson)!.AsObject();
        RpId = options["rp"]?["id"]?.GetValue<string>() ?? new Uri(Origin).Host;
        UserHandle = Base64Url.DecodeFromChars(options["user"]!["id"]!.GetValue<string>());
        var algorithms = options["pubKeyCredParams"]!.AsArray().Select(p => p!["alg"]!.GetValue<int>()).ToList();
        if (!algorithms.Contains(-7)) throw new InvalidOperationException("The server does not offer ES256: " + creationOptionsJson);

        var clientData = ClientData("webauthn.create", options["challenge"]!.GetValue<string>());
        var parameters = Key.ExportParameters(false);
        var coseKey = new CborWriter(CborConformanceMode.Ctap2Canonical);
        coseKey.WriteStartMap(5);
        coseKey.WriteInt32(1); coseKey.WriteInt32(2);       // kty: EC2
        coseKey.WriteInt32(3); coseKey.WriteInt32(-7);      // alg: ES256
        coseKey.WriteInt32(-1); coseKey.WriteInt32(1);      // crv: P-256
        coseKey.WriteInt32(-2); coseKey.WriteByteString(parameters.Q.X!);
        coseKey.WriteInt32(-3); coseKey.WriteByteString(parameters.Q.Y!);
        coseKey.WriteEndMap();

        var attested = new List<byte>();
        attested.AddRange(new byte[16]); // AAGUID: none
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)CredentialId.Length);
        attested.AddRange(length);
        attested.AddRange(CredentialId);
        attested.AddRange(coseKey.Encode());
        var authenticatorData = AuthenticatorData((byte)(UserPresent | (UserVerified ? UserVerifiedFlag : 0) | AttestedData), [.. attested]);

        var attestation = new CborWriter(CborConformanceMode.Ctap2Canonical);
        attestation.WriteStartMap(3);
        attestation.WriteTextString("fmt"); attestation.WriteTextString("none");
        attestation.WriteTextString("attStmt"); attestation.WriteStartMap(0); attestation.WriteEndMap();
        attestation.WriteTextString("authData"); attestation.WriteByteString(authenticatorData);
        attestation.WriteEndMap();

        return new JsonObject
        {
            ["id"] = CredentialIdBase64Url,
            ["rawId"] = CredentialIdBase64Url,
            ["type"] = "public-key",
            ["authenticatorAttachment"] = "platform",
            ["response"] = new JsonObject
            {
                ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
                ["authenticatorData"] = Base64Url.EncodeToString(authenticatorData),
                ["transports"] = new JsonArray("internal"),
                ["publicKey"] = Base64Url.EncodeToString(Key.ExportSubjectPublicKeyInfo()),
                ["publicKeyAlgorithm"] = -7,
                ["attestationObject"] = Base64Url.EncodeToString(attestation.Encode()),
            },
            ["clientExtensionResults"] = new JsonObject(),
        }.ToJsonString();
    }

    /// <summary>navigator.credentials.get(): the assertion JSON for these request options.</summary>
    public string Get(string requestOptionsJson) => Get(requestOptionsJson, ignoreAllowList: false);

    /// <param name="requestOptionsJson">The options from the server.</param>
    /// <param name="ignoreAllowList">Answer even when the server asked for other credentials (as a forged client would).</param>
    public string Get(string requestOptionsJson, bool ignoreAllowList)
    {
        var options = JsonNode.Parse(requestOptionsJson)!.AsObject();
        var rpId = options["rpId"]?.GetValue<string>() ?? RpId ?? new Uri(Origin).Host;
        if (!ignoreAllowList && options["allowCredentials"] is JsonArray { Count: > 0 } allowed &&
            !allowed.Any(c => c!["id"]!.GetValue<string>() == CredentialIdBase64Url))
            throw new InvalidOperationException("The server did not allow this credential: " + requestOptionsJson);

        var clientData = ClientData("webauthn.get", options["challenge"]!.GetValue<string>());
        if (SignCount > 0) SignCount++;
        var authenticatorData = AuthenticatorData((byte)(UserPresent | (UserVerified ? UserVerifiedFlag : 0)), [], rpId);
        var signature = Key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence);

        return new JsonObject
        {
            ["id"] = CredentialIdBase64Url,
            ["rawId"] = CredentialIdBase64Url,
            ["type"] = "public-key",
            ["authenticatorAttachment"] = "platform",
            ["response"] = new JsonObject
            {
                ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
                ["authenticatorData"] = Base64Url.EncodeToString(authenticatorData),
                ["signature"] = Base64Url.EncodeToString(signature),
                ["userHandle"] = UserHandle is null ? null : Base64Url.EncodeToString(UserHandle),
            },
            ["clientExtensionResults"] = new JsonObject(),
        }.ToJsonString();
    }

    private byte[] ClientData(string type, string challenge) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = type,
            ["challenge"] = challenge,
            ["origin"] = Origin,
            ["crossOrigin"] = false,
        });

    private byte[] AuthenticatorData(byte flags, byte[] attestedCredentialData, string? rpId = null)
    {
        var counter = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(counter, SignCount);
        return [.. SHA256.HashData(Encoding.UTF8.GetBytes(rpId ?? RpId!)), flags, .. counter, .. attestedCredentialData];
    }

    public void Dispose() => Key.Dispose();
}
