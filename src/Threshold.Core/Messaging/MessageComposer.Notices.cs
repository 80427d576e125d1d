using System.Globalization;
using Threshold.Core.Activity;

namespace Threshold.Core.Messaging;

/// <summary>
/// Security notices: each says what happened, when (UTC) and from where, what to do if it was not
/// the owner, and carries the "This wasn't me" link. None links to the sign-in page.
/// </summary>
public sealed partial class MessageComposer
{
    public OutboxMessage NewSignIn(string email, string username, SignInNovelty novelty, NoticeContext context, Uri notMeLink, string reference) =>
        Email("new-sign-in", email, reference,
            Format("NewSignInSubject", Options.ServiceName),
            Format("NewSignInBody", username, Options.ServiceName, Format(NoveltyKey(novelty)), Details(context), NotMe(notMeLink),
                new Uri(Options.PublicOrigin).Host),
            notMeLink);

    public OutboxMessage NewSignInSms(string phone, NoticeContext context, string reference) =>
        Sms("new-sign-in", phone, reference, Format("NewSignInSms", Options.ServiceName, When(context.At),
            PlaceWords(context.Client) ?? Format("NewSignInSmsSomewhere"), reference));

    /// <summary>After "This wasn't me": the account is secured; a single-use link to set a new password (a flow the owner started).</summary>
    public OutboxMessage NotMeSecured(string email, string username, Uri resetLink, int minutes, string supportNumber, string reference) =>
        Email("not-me-secured", email, reference,
            Format("NotMeSecuredSubject", Options.ServiceName),
            Format("NotMeSecuredBody", username, Options.ServiceName, minutes, resetLink, supportNumber),
            resetLink);

    private static string NoveltyKey(SignInNovelty novelty) => novelty switch
    {
        { NewDevice: true, NewCountry: true } => "NewSignInFromBoth",
        { NewCountry: true } => "NewSignInFromCountry",
        _ => "NewSignInFromDevice",
    };

    /// <summary>"When: …", then "Where: …" and "Device: …" when known, one per line.</summary>
    private static string Details(NoticeContext context)
    {
        var lines = new List<string> { Format("NoticeWhen", When(context.At)) };
        var place = PlaceWords(context.Client);
        var address = context.Client.IpAddress;
        if (place is not null && address is not null) lines.Add(Format("NoticeWherePlaceAndAddress", place, address));
        else if (place is not null) lines.Add(Format("NoticeWherePlace", place));
        else if (address is not null) lines.Add(Format("NoticeWhereAddress", address));
        if (DeviceWords(context.Client.UserAgent) is { } device) lines.Add(Format("NoticeDevice", device));
        return string.Join("\n", lines);
    }

    private static string NotMe(Uri link) => Format("NoticeNotMe", link);

    private static string When(DateTimeOffset at) => at.ToUniversalTime().ToString("f", CultureInfo.CurrentCulture) + " UTC";

    /// <summary>"Lisbon, Portugal", "Portugal", "a local network", or null when the place is unknown.</summary>
    public static string? PlaceWords(ClientInfo client)
    {
        if (client.Place is not { } place) return null;
        if (place.IsLocalNetwork) return Format("NoticeLocalNetwork");
        var country = place.CountryCode is { } code ? CountryName(code) : null;
        return (place.City, country) switch
        {
            ({ } city, { } name) => Format("NoticePlaceCity", city, name),
            ({ } city, null) => city,
            (null, { } name) => name,
            _ => null,
        };
    }

    /// <summary>"Chrome on Windows", "Firefox", "iPhone", or null when nothing is recognised.</summary>
    public static string? DeviceWords(string? userAgent) => Sessions.DeviceNames.Read(userAgent) switch
    {
        { Browser: { } browser, System: { } system } => Format("NoticeDeviceOn", browser, system),
        { Browser: { } browser } => browser,
        { System: { } system } => system,
        _ => null,
    };

    /// <summary>The country's English name (the messages are English; RegionInfo.DisplayName gives native names), or its code.</summary>
    private static string CountryName(string code)
    {
        try { return new RegionInfo(code).EnglishName; }
        catch (ArgumentException) { return code; }
    }
}
