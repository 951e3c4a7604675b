import { describe, expect, it } from 'vitest';
import { translatorFor } from '../../shared/i18n/index.ts';
import { buildIncomingCallToastXml, incomingCallBody, notificationLink, xmlEscape } from './toastXml.ts';

const NONCE = 'n0nce_n0nce-n0nce_n0nc';
const en = translatorFor('en');
const zh = translatorFor('zh-CN');
const alert = { callID: 'call_42-A', callerName: 'Alice', media: 'video' as const, others: 0, linkNonce: NONCE };

/** The value of `attr` on the first element named `tag` (the XML is flat enough for a regex). */
function attrOf(xml: string, tag: string, attr: string, nth = 0): string | undefined {
  const els = [...xml.matchAll(new RegExp(`<${tag}\\b[^>]*>`, 'g'))].map((m) => m[0]);
  return new RegExp(`\\b${attr}="([^"]*)"`).exec(els[nth] ?? '')?.[1];
}

describe('incomingCallBody', () => {
  it('names the media, and the others for a group call', () => {
    expect(incomingCallBody(en, 'audio', 0)).toBe('Audio call');
    expect(incomingCallBody(en, 'video', 0)).toBe('Video call');
    expect(incomingCallBody(en, 'audio', 1)).toBe('Audio call with you and 1 other');
    expect(incomingCallBody(en, 'video', 3)).toBe('Video call with you and 3 others');
  });
});

describe('notificationLink', () => {
  it('builds the links the core parses', () => {
    expect(notificationLink('open', 'c1', NONCE)).toBe(`ringdesk://notification/open?callID=c1&nonce=${NONCE}`);
    expect(notificationLink('accept', 'c1', NONCE, 'video')).toBe(`ringdesk://notification/accept?callID=c1&media=video&nonce=${NONCE}`);
    expect(notificationLink('decline', 'c1', NONCE, 'video')).toBe(`ringdesk://notification/decline?callID=c1&nonce=${NONCE}`);
  });
  it('percent-encodes whatever the call id holds', () => {
    expect(notificationLink('open', 'a&b=c d', NONCE)).toBe(`ringdesk://notification/open?callID=a%26b%3Dc+d&nonce=${NONCE}`);
  });
});

describe('xmlEscape', () => {
  it('escapes the five XML specials', () => {
    expect(xmlEscape(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;');
  });
});

describe('buildIncomingCallToastXml', () => {
  it('is an incoming-call scenario toast launched by protocol', () => {
    const xml = buildIncomingCallToastXml(en, alert);
    expect(xml.startsWith('<toast ')).toBe(true);
    expect(xml.endsWith('</toast>')).toBe(true);
    expect(attrOf(xml, 'toast', 'scenario')).toBe('incomingCall');
    expect(attrOf(xml, 'toast', 'activationType')).toBe('protocol');
    expect(attrOf(xml, 'toast', 'launch')).toBe(`ringdesk://notification/open?callID=call_42-A&amp;nonce=${NONCE}`);
    expect(xml).toContain('<audio silent="true"/>');
  });

  it('has Accept (with the media) and Decline, both protocol links, XML-escaped', () => {
    const xml = buildIncomingCallToastXml(en, alert);
    expect(attrOf(xml, 'action', 'content', 0)).toBe('Accept');
    expect(attrOf(xml, 'action', 'arguments', 0)).toBe(`ringdesk://notification/accept?callID=call_42-A&amp;media=video&amp;nonce=${NONCE}`);
    expect(attrOf(xml, 'action', 'activationType', 0)).toBe('protocol');
    expect(attrOf(xml, 'action', 'content', 1)).toBe('Decline');
    expect(attrOf(xml, 'action', 'arguments', 1)).toBe(`ringdesk://notification/decline?callID=call_42-A&amp;nonce=${NONCE}`);
    expect(attrOf(xml, 'action', 'activationType', 1)).toBe('protocol');
    expect(xml.match(/<action /g)).toHaveLength(2);
  });

  it('puts the caller and the body in the visual, escaped', () => {
    const xml = buildIncomingCallToastXml(en, { ...alert, callerName: `<script>"Bob" & co</script>`, media: 'audio', others: 2 });
    expect(xml).toContain('<text hint-maxLines="1">&lt;script&gt;&quot;Bob&quot; &amp; co&lt;/script&gt;</text>');
    expect(xml).toContain('<text>Audio call with you and 2 others</text>');
    expect(xml).not.toContain('<script>');
  });

  it('escapes a hostile call id in every attribute, so no attribute can be broken out of', () => {
    const xml = buildIncomingCallToastXml(en, { ...alert, callID: `x" onload="y` });
    expect(xml).not.toContain('" onload="');
    // Every quote in the document delimits an attribute: an even number on each element.
    for (const el of xml.match(/<[^>]+>/g) ?? []) expect((el.match(/"/g) ?? []).length % 2).toBe(0);
  });

  it('speaks the locale it is given: buttons and body in zh-CN', () => {
    const xml = buildIncomingCallToastXml(zh, { ...alert, others: 2 });
    expect(attrOf(xml, 'action', 'content', 0)).toBe('接听');
    expect(attrOf(xml, 'action', 'content', 1)).toBe('拒绝');
    expect(xml).toContain('<text>与你和另外 2 人的视频通话</text>');
  });
});
