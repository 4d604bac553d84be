/**
 * Unicode property and value names that Rust's regex crate resolves in `\p{...}`, with the JS
 * spelling of each. Rust matches names loosely (UAX44-LM3: case, spaces, `_` and `-` ignored, an
 * `is` prefix dropped); the tables below are keyed by the canonical name and the resolver
 * normalises every alias the same way.
 *
 * Only properties that JS `RegExp` can also evaluate are listed, because the code point sets are
 * read from the platform's own Unicode tables (no data is bundled). Rust-only properties (Age,
 * Word_Break, Other_Alphabetic, ...) are reported as unsupported.
 */

/** General categories: canonical long name, then aliases (the first alias is the JS short name). */
export const GENERAL_CATEGORIES: readonly (readonly string[])[] = [
  ['Other', 'C'],
  ['Control', 'Cc', 'cntrl'],
  ['Format', 'Cf'],
  ['Unassigned', 'Cn'],
  ['Private_Use', 'Co'],
  ['Surrogate', 'Cs'],
  ['Letter', 'L'],
  ['Cased_Letter', 'LC'],
  ['Lowercase_Letter', 'Ll'],
  ['Modifier_Letter', 'Lm'],
  ['Other_Letter', 'Lo'],
  ['Titlecase_Letter', 'Lt'],
  ['Uppercase_Letter', 'Lu'],
  ['Mark', 'M', 'Combining_Mark'],
  ['Spacing_Mark', 'Mc'],
  ['Enclosing_Mark', 'Me'],
  ['Nonspacing_Mark', 'Mn'],
  ['Number', 'N'],
  ['Decimal_Number', 'Nd', 'digit'],
  ['Letter_Number', 'Nl'],
  ['Other_Number', 'No'],
  ['Punctuation', 'P', 'punct'],
  ['Connector_Punctuation', 'Pc'],
  ['Dash_Punctuation', 'Pd'],
  ['Close_Punctuation', 'Pe'],
  ['Final_Punctuation', 'Pf'],
  ['Initial_Punctuation', 'Pi'],
  ['Other_Punctuation', 'Po'],
  ['Open_Punctuation', 'Ps'],
  ['Symbol', 'S'],
  ['Currency_Symbol', 'Sc'],
  ['Modifier_Symbol', 'Sk'],
  ['Math_Symbol', 'Sm'],
  ['Other_Symbol', 'So'],
  ['Separator', 'Z'],
  ['Line_Separator', 'Zl'],
  ['Paragraph_Separator', 'Zp'],
  ['Space_Separator', 'Zs'],
]

/** Scripts of Unicode 16 (regex 1.11's tables): long name, then ISO 15924 code(s). */
export const SCRIPTS: readonly (readonly string[])[] = [
  ['Adlam', 'Adlm'], ['Ahom', 'Ahom'], ['Anatolian_Hieroglyphs', 'Hluw'], ['Arabic', 'Arab'],
  ['Armenian', 'Armn'], ['Avestan', 'Avst'], ['Balinese', 'Bali'], ['Bamum', 'Bamu'],
  ['Bassa_Vah', 'Bass'], ['Batak', 'Batk'], ['Bengali', 'Beng'], ['Bhaiksuki', 'Bhks'],
  ['Bopomofo', 'Bopo'], ['Brahmi', 'Brah'], ['Braille', 'Brai'], ['Buginese', 'Bugi'],
  ['Buhid', 'Buhd'], ['Canadian_Aboriginal', 'Cans'], ['Carian', 'Cari'],
  ['Caucasian_Albanian', 'Aghb'], ['Chakma', 'Cakm'], ['Cham', 'Cham'], ['Cherokee', 'Cher'],
  ['Chorasmian', 'Chrs'], ['Common', 'Zyyy'], ['Coptic', 'Copt', 'Qaac'], ['Cuneiform', 'Xsux'],
  ['Cypriot', 'Cprt'], ['Cypro_Minoan', 'Cpmn'], ['Cyrillic', 'Cyrl'], ['Deseret', 'Dsrt'],
  ['Devanagari', 'Deva'], ['Dives_Akuru', 'Diak'], ['Dogra', 'Dogr'], ['Duployan', 'Dupl'],
  ['Egyptian_Hieroglyphs', 'Egyp'], ['Elbasan', 'Elba'], ['Elymaic', 'Elym'],
  ['Ethiopic', 'Ethi'], ['Garay', 'Gara'], ['Georgian', 'Geor'], ['Glagolitic', 'Glag'], ['Gothic', 'Goth'],
  ['Grantha', 'Gran'], ['Greek', 'Grek'], ['Gujarati', 'Gujr'], ['Gunjala_Gondi', 'Gong'],
  ['Gurmukhi', 'Guru'], ['Gurung_Khema', 'Gukh'], ['Han', 'Hani'], ['Hangul', 'Hang'], ['Hanifi_Rohingya', 'Rohg'],
  ['Hanunoo', 'Hano'], ['Hatran', 'Hatr'], ['Hebrew', 'Hebr'], ['Hiragana', 'Hira'],
  ['Imperial_Aramaic', 'Armi'], ['Inherited', 'Zinh', 'Qaai'], ['Inscriptional_Pahlavi', 'Phli'],
  ['Inscriptional_Parthian', 'Prti'], ['Javanese', 'Java'], ['Kaithi', 'Kthi'],
  ['Kannada', 'Knda'], ['Katakana', 'Kana'], ['Kawi', 'Kawi'], ['Kayah_Li', 'Kali'],
  ['Kharoshthi', 'Khar'], ['Khitan_Small_Script', 'Kits'], ['Khmer', 'Khmr'], ['Khojki', 'Khoj'],
  ['Khudawadi', 'Sind'], ['Kirat_Rai', 'Krai'], ['Lao', 'Laoo'], ['Latin', 'Latn'], ['Lepcha', 'Lepc'], ['Limbu', 'Limb'],
  ['Linear_A', 'Lina'], ['Linear_B', 'Linb'], ['Lisu', 'Lisu'], ['Lycian', 'Lyci'],
  ['Lydian', 'Lydi'], ['Mahajani', 'Mahj'], ['Makasar', 'Maka'], ['Malayalam', 'Mlym'],
  ['Mandaic', 'Mand'], ['Manichaean', 'Mani'], ['Marchen', 'Marc'], ['Masaram_Gondi', 'Gonm'],
  ['Medefaidrin', 'Medf'], ['Meetei_Mayek', 'Mtei'], ['Mende_Kikakui', 'Mend'],
  ['Meroitic_Cursive', 'Merc'], ['Meroitic_Hieroglyphs', 'Mero'], ['Miao', 'Plrd'],
  ['Modi', 'Modi'], ['Mongolian', 'Mong'], ['Mro', 'Mroo'], ['Multani', 'Mult'],
  ['Myanmar', 'Mymr'], ['Nabataean', 'Nbat'], ['Nag_Mundari', 'Nagm'], ['Nandinagari', 'Nand'],
  ['New_Tai_Lue', 'Talu'], ['Newa', 'Newa'], ['Nko', 'Nkoo'], ['Nushu', 'Nshu'],
  ['Nyiakeng_Puachue_Hmong', 'Hmnp'], ['Ogham', 'Ogam'], ['Ol_Chiki', 'Olck'], ['Ol_Onal', 'Onao'],
  ['Old_Hungarian', 'Hung'], ['Old_Italic', 'Ital'], ['Old_North_Arabian', 'Narb'],
  ['Old_Permic', 'Perm'], ['Old_Persian', 'Xpeo'], ['Old_Sogdian', 'Sogo'],
  ['Old_South_Arabian', 'Sarb'], ['Old_Turkic', 'Orkh'], ['Old_Uyghur', 'Ougr'],
  ['Oriya', 'Orya'], ['Osage', 'Osge'], ['Osmanya', 'Osma'], ['Pahawh_Hmong', 'Hmng'],
  ['Palmyrene', 'Palm'], ['Pau_Cin_Hau', 'Pauc'], ['Phags_Pa', 'Phag'], ['Phoenician', 'Phnx'],
  ['Psalter_Pahlavi', 'Phlp'], ['Rejang', 'Rjng'], ['Runic', 'Runr'], ['Samaritan', 'Samr'],
  ['Saurashtra', 'Saur'], ['Sharada', 'Shrd'], ['Shavian', 'Shaw'], ['Siddham', 'Sidd'],
  ['SignWriting', 'Sgnw'], ['Sinhala', 'Sinh'], ['Sogdian', 'Sogd'], ['Sora_Sompeng', 'Sora'],
  ['Soyombo', 'Soyo'], ['Sundanese', 'Sund'], ['Sunuwar', 'Sunu'], ['Syloti_Nagri', 'Sylo'], ['Syriac', 'Syrc'],
  ['Tagalog', 'Tglg'], ['Tagbanwa', 'Tagb'], ['Tai_Le', 'Tale'], ['Tai_Tham', 'Lana'],
  ['Tai_Viet', 'Tavt'], ['Takri', 'Takr'], ['Tamil', 'Taml'], ['Tangsa', 'Tnsa'],
  ['Tangut', 'Tang'], ['Telugu', 'Telu'], ['Thaana', 'Thaa'], ['Thai', 'Thai'],
  ['Tibetan', 'Tibt'], ['Tifinagh', 'Tfng'], ['Tirhuta', 'Tirh'], ['Todhri', 'Todr'], ['Toto', 'Toto'], ['Tulu_Tigalari', 'Tutg'],
  ['Ugaritic', 'Ugar'], ['Vai', 'Vaii'], ['Vithkuqi', 'Vith'], ['Wancho', 'Wcho'],
  ['Warang_Citi', 'Wara'], ['Yezidi', 'Yezi'], ['Yi', 'Yiii'], ['Zanabazar_Square', 'Zanb'],
]

/**
 * Script values Rust recognises but has no table for (its tables list the scripts of Scripts.txt,
 * which names neither), so `\p{Unknown}` is "property value not found" there, not unassigned.
 */
export const SCRIPTS_WITHOUT_TABLE: readonly string[] = ['Unknown', 'Zzzz', 'Katakana_Or_Hiragana', 'Hrkt']

/** Binary properties JS understands: canonical name, then aliases. */
export const BINARY_PROPERTIES: readonly (readonly string[])[] = [
  ['ASCII_Hex_Digit', 'AHex'], ['Alphabetic', 'Alpha'], ['Bidi_Control', 'Bidi_C'],
  ['Bidi_Mirrored', 'Bidi_M'], ['Case_Ignorable', 'CI'], ['Cased'],
  ['Changes_When_Casefolded', 'CWCF'], ['Changes_When_Casemapped', 'CWCM'],
  ['Changes_When_Lowercased', 'CWL'], ['Changes_When_NFKC_Casefolded', 'CWKCF'],
  ['Changes_When_Titlecased', 'CWT'], ['Changes_When_Uppercased', 'CWU'], ['Dash'],
  ['Default_Ignorable_Code_Point', 'DI'], ['Deprecated', 'Dep'], ['Diacritic', 'Dia'],
  ['Emoji'], ['Emoji_Component', 'EComp'], ['Emoji_Modifier', 'EMod'],
  ['Emoji_Modifier_Base', 'EBase'], ['Emoji_Presentation', 'EPres'],
  ['Extended_Pictographic', 'ExtPict'], ['Extender', 'Ext'], ['Grapheme_Base', 'Gr_Base'],
  ['Grapheme_Extend', 'Gr_Ext'], ['Hex_Digit', 'Hex'], ['IDS_Binary_Operator', 'IDSB'],
  ['IDS_Trinary_Operator', 'IDST'], ['ID_Continue', 'IDC'], ['ID_Start', 'IDS'],
  ['Ideographic', 'Ideo'], ['Join_Control', 'Join_C'], ['Logical_Order_Exception', 'LOE'],
  ['Lowercase', 'Lower'], ['Math'], ['Noncharacter_Code_Point', 'NChar'],
  ['Pattern_Syntax', 'Pat_Syn'], ['Pattern_White_Space', 'Pat_WS'],
  ['Quotation_Mark', 'QMark'], ['Radical'], ['Regional_Indicator', 'RI'],
  ['Sentence_Terminal', 'STerm'], ['Soft_Dotted', 'SD'], ['Terminal_Punctuation', 'Term'],
  ['Unified_Ideograph', 'UIdeo'], ['Uppercase', 'Upper'], ['Variation_Selector', 'VS'],
  ['White_Space', 'space', 'WSpace'], ['XID_Continue', 'XIDC'], ['XID_Start', 'XIDS'],
]

/**
 * Property names Rust knows but this implementation cannot evaluate (JS has no tables for them).
 * Listed so that the error says "unsupported" instead of pretending Rust would reject them.
 */
export const UNSUPPORTED_PROPERTIES: readonly string[] = [
  'Age', 'age', 'Grapheme_Cluster_Break', 'GCB', 'Word_Break', 'WB', 'Sentence_Break', 'SB',
  'Other_Alphabetic', 'OAlpha', 'Other_Lowercase', 'OLower', 'Other_Uppercase', 'OUpper',
  'Other_Math', 'OMath', 'Other_Grapheme_Extend', 'OGr_Ext', 'Other_ID_Start', 'OIDS',
  'Other_ID_Continue', 'OIDC', 'Other_Default_Ignorable_Code_Point', 'ODI', 'Hyphen',
  'Grapheme_Link', 'Gr_Link', 'Prepended_Concatenation_Mark', 'PCM', 'IDS_Unary_Operator', 'IDSU',
  'ID_Compat_Math_Start', 'ID_Compat_Math_Continue', 'Modifier_Combining_Mark', 'MCM', 'Emoji_Keycap_Sequence',
]

/**
 * Rust's loose matching of symbolic names (UAX44-LM3): ASCII case-insensitive, ignoring spaces,
 * `_` and `-`, dropping non-ASCII and a leading `is`; `isc` stays `isc` (an alias of Other).
 */
export function normalizeName(name: string): string {
  let start = 0
  const startsWithIs = name.length >= 2 && name.slice(0, 2).toLowerCase() === 'is'
  if (startsWithIs) start = 2
  let out = ''
  for (let i = start; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c === 0x20 || c === 0x5f || c === 0x2d || c > 0x7f) continue
    out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : name[i]
  }
  if (startsWithIs && out === 'c') return 'isc'
  return out
}
