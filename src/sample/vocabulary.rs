//! The generator's vocabulary: the words and sentences in `data/shared.tsv`
//! and `data/categories.tsv` (their headers describe the format), compiled
//! in with `include_str!` and parsed, without copying, whenever a sample is
//! generated. A malformed file is an [`Error::Format`] naming its file and
//! line; the tests parse the shipped files, so such a file fails the build's
//! tests rather than a user's run.

use crate::{Error, Result};

/// A data file: the path it is named by in messages, and its text.
type DataFile = (&'static str, &'static str);

const SHARED_FILE: DataFile = (
    "src/sample/data/shared.tsv",
    include_str!("data/shared.tsv"),
);
const CATEGORIES_FILE: DataFile = (
    "src/sample/data/categories.tsv",
    include_str!("data/categories.tsv"),
);

/// A sub-category: its nouns, prenominal modifiers, sizes, detail sentences
/// and price range; `materials` and `uses` replace the category's when not empty.
#[derive(Default)]
pub(super) struct Style {
    pub slug: &'static str,
    pub nouns: Vec<&'static str>,
    pub mods: Vec<&'static str>,
    pub materials: Vec<&'static str>,
    pub sizes: Vec<&'static str>,
    pub details: Vec<&'static str>,
    pub uses: Vec<&'static str>,
    pub price: (u32, u32),
}

/// A category: its styles and the vocabulary its items share. `weight` is its
/// relative share of items and of users' tastes; `openings` replaces
/// [`Shared::default_openings`] when not empty.
#[derive(Default)]
pub(super) struct Category {
    pub slug: &'static str,
    pub ja: &'static str,
    pub weight: u32,
    pub styles: Vec<Style>,
    pub materials: Vec<&'static str>,
    pub colors: Vec<&'static str>,
    pub features: Vec<&'static str>,
    pub uses: Vec<&'static str>,
    pub phrases: Vec<&'static str>,
    pub emoji: Vec<&'static str>,
    pub openings: Vec<&'static str>,
}

/// The lists every category shares (see `data/shared.tsv`).
#[derive(Default)]
pub(super) struct Shared {
    pub poetic_names: Vec<&'static str>,
    pub title_prefixes: Vec<&'static str>,
    pub shared_tags: Vec<&'static str>,
    pub fallback_tags: Vec<&'static str>,
    pub occasion_title_forms: Vec<&'static str>,
    pub shared_emoji: Vec<&'static str>,
    pub default_openings: Vec<&'static str>,
    pub occasion_sentences: Vec<&'static str>,
    pub closings: Vec<&'static str>,
    pub free_shipping_notes: Vec<&'static str>,
}

/// Everything the generator says, in file order.
pub(super) struct Vocabulary {
    pub shared: Shared,
    pub categories: Vec<Category>,
}

impl Vocabulary {
    /// The vocabulary compiled into the crate.
    pub fn builtin() -> Result<Vocabulary> {
        Vocabulary::parse(SHARED_FILE, CATEGORIES_FILE)
    }

    fn parse(shared: DataFile, categories: DataFile) -> Result<Vocabulary> {
        Ok(Vocabulary {
            shared: parse_shared(shared)?,
            categories: parse_categories(categories)?,
        })
    }

    /// Every (category, style) pair, in file order: a "group".
    pub fn groups(&self) -> Vec<(usize, usize)> {
        self.categories
            .iter()
            .enumerate()
            .flat_map(|(c, cat)| (0..cat.styles.len()).map(move |s| (c, s)))
            .collect()
    }
}

/// One non-comment line: its number, key and values.
struct Entry {
    line: usize,
    key: &'static str,
    values: Vec<&'static str>,
}

/// The error for `file:line`.
fn malformed(file: &str, line: usize, problem: impl std::fmt::Display) -> Error {
    Error::format(format!("{file}:{line}: {problem}"))
}

/// The entries of a data file, each checked to have a key and well-formed values.
fn entries((file, text): DataFile) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.is_empty() || raw.starts_with('#') {
            continue;
        }
        let mut fields = raw.split('\t');
        let key = fields.next().unwrap_or_default();
        let values: Vec<&'static str> = fields.collect();
        if key.is_empty() || key.trim() != key {
            return Err(malformed(
                file,
                line,
                format!("a line starts with a key, found {key:?}"),
            ));
        }
        if values.is_empty() {
            return Err(malformed(file, line, format!("\"{key}\" has no values")));
        }
        if let Some(v) = values.iter().find(|v| v.is_empty() || v.trim() != **v) {
            return Err(malformed(
                file,
                line,
                format!("\"{key}\" has an empty value or one with surrounding spaces: {v:?}"),
            ));
        }
        out.push(Entry { line, key, values });
    }
    Ok(out)
}

fn parse_shared(data: DataFile) -> Result<Shared> {
    let file = data.0;
    let mut shared = Shared::default();
    for e in entries(data)? {
        let mut lists = shared.lists();
        let Some((_, list)) = lists.iter_mut().find(|(key, _)| *key == e.key) else {
            return Err(malformed(
                file,
                e.line,
                format!("unknown key \"{}\"", e.key),
            ));
        };
        list.extend(e.values);
    }
    if let Some((key, _)) = shared.lists().iter().find(|(_, list)| list.is_empty()) {
        return Err(Error::format(format!("{file}: \"{key}\" is missing")));
    }
    Ok(shared)
}

impl Shared {
    /// Every list with its key in `data/shared.tsv`.
    fn lists(&mut self) -> [(&'static str, &mut Vec<&'static str>); 10] {
        [
            ("poetic_names", &mut self.poetic_names),
            ("title_prefixes", &mut self.title_prefixes),
            ("shared_tags", &mut self.shared_tags),
            ("fallback_tags", &mut self.fallback_tags),
            ("occasion_title_forms", &mut self.occasion_title_forms),
            ("shared_emoji", &mut self.shared_emoji),
            ("default_openings", &mut self.default_openings),
            ("occasion_sentences", &mut self.occasion_sentences),
            ("closings", &mut self.closings),
            ("free_shipping_notes", &mut self.free_shipping_notes),
        ]
    }
}

/// The one value of a single-valued key.
fn single(file: &str, e: &Entry) -> Result<&'static str> {
    match e.values[..] {
        [v] => Ok(v),
        _ => Err(malformed(
            file,
            e.line,
            format!("\"{}\" takes one value, found {}", e.key, e.values.len()),
        )),
    }
}

fn number(file: &str, line: usize, key: &str, v: &str) -> Result<u32> {
    v.parse().map_err(|_| {
        malformed(
            file,
            line,
            format!("\"{key}\" must be a whole number, found {v:?}"),
        )
    })
}

/// A category or style whose required lists were not all given.
fn missing(file: &str, line: usize, what: &str, slug: &str, key: &str) -> Error {
    malformed(file, line, format!("{what} \"{slug}\" has no \"{key}\""))
}

fn parse_categories(data: DataFile) -> Result<Vec<Category>> {
    let file = data.0;
    // Each category and style with the line it starts on, for the final checks.
    let mut categories: Vec<(usize, Category, Vec<usize>)> = Vec::new();
    for e in entries(data)? {
        let at = |problem: String| malformed(file, e.line, problem);
        if e.key == "category" {
            categories.push((
                e.line,
                Category {
                    slug: single(file, &e)?,
                    ..Category::default()
                },
                Vec::new(),
            ));
            continue;
        }
        let Some((_, cat, style_lines)) = categories.last_mut() else {
            return Err(at(format!(
                "\"{}\" before the first \"category\" line",
                e.key
            )));
        };
        if e.key == "style" {
            cat.styles.push(Style {
                slug: single(file, &e)?,
                ..Style::default()
            });
            style_lines.push(e.line);
            continue;
        }
        if let Some(style) = cat.styles.last_mut() {
            let list = match e.key {
                "nouns" => &mut style.nouns,
                "mods" => &mut style.mods,
                "materials" => &mut style.materials,
                "sizes" => &mut style.sizes,
                "details" => &mut style.details,
                "uses" => &mut style.uses,
                "price" => {
                    let [lo, hi] = e.values[..] else {
                        return Err(at(format!(
                            "\"price\" takes two values (lowest, highest), found {}",
                            e.values.len()
                        )));
                    };
                    let price = (
                        number(file, e.line, "price", lo)?,
                        number(file, e.line, "price", hi)?,
                    );
                    if price.0 == 0 || price.0 > price.1 || style.price != (0, 0) {
                        return Err(at(format!(
                            "\"price\" must be given once as 0 < lowest <= highest, found {lo} {hi}"
                        )));
                    }
                    style.price = price;
                    continue;
                }
                other => {
                    return Err(at(format!(
                        "unknown style key \"{other}\" (a category's own keys come before its first style)"
                    )))
                }
            };
            list.extend(e.values);
            continue;
        }
        let list = match e.key {
            "materials" => &mut cat.materials,
            "colors" => &mut cat.colors,
            "features" => &mut cat.features,
            "uses" => &mut cat.uses,
            "phrases" => &mut cat.phrases,
            "emoji" => &mut cat.emoji,
            "openings" => &mut cat.openings,
            "ja" if cat.ja.is_empty() => {
                cat.ja = single(file, &e)?;
                continue;
            }
            "weight" if cat.weight == 0 => {
                cat.weight = number(file, e.line, "weight", single(file, &e)?)?;
                continue;
            }
            "ja" | "weight" => return Err(at(format!("\"{}\" is given twice", e.key))),
            other => return Err(at(format!("unknown category key \"{other}\""))),
        };
        list.extend(e.values);
    }

    if categories.is_empty() {
        return Err(Error::format(format!("{file}: no categories")));
    }
    let mut out = Vec::with_capacity(categories.len());
    for (line, cat, style_lines) in categories {
        let lacks = |key| missing(file, line, "category", cat.slug, key);
        if out.iter().any(|c: &Category| c.slug == cat.slug) {
            return Err(malformed(
                file,
                line,
                format!("category \"{}\" is given twice", cat.slug),
            ));
        }
        if cat.ja.is_empty() {
            return Err(lacks("ja"));
        }
        if cat.weight == 0 {
            return Err(malformed(
                file,
                line,
                format!("category \"{}\" needs a positive \"weight\"", cat.slug),
            ));
        }
        for (key, list) in [
            ("features", &cat.features),
            ("uses", &cat.uses),
            ("phrases", &cat.phrases),
        ] {
            if list.is_empty() {
                return Err(lacks(key));
            }
        }
        if cat.styles.is_empty() {
            return Err(lacks("style"));
        }
        for (i, (style, &line)) in cat.styles.iter().zip(&style_lines).enumerate() {
            let lacks = |key| missing(file, line, "style", style.slug, key);
            if cat.styles[..i].iter().any(|s| s.slug == style.slug) {
                return Err(malformed(
                    file,
                    line,
                    format!("style \"{}\" is given twice", style.slug),
                ));
            }
            if style.price == (0, 0) {
                return Err(lacks("price"));
            }
            for (key, list) in [
                ("nouns", &style.nouns),
                ("mods", &style.mods),
                ("sizes", &style.sizes),
                ("details", &style.details),
            ] {
                if list.is_empty() {
                    return Err(lacks(key));
                }
            }
            if style.materials.is_empty() && cat.materials.is_empty() {
                return Err(lacks("materials (its own or its category's)"));
            }
        }
        out.push(cat);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn categories(text: &'static str) -> Result<Vec<Category>> {
        parse_categories(("cats.tsv", text))
    }

    fn format_error(r: Result<impl Sized>) -> String {
        match r {
            Err(e) if e.kind() == crate::ErrorKind::Format => e.message(),
            Err(other) => panic!("expected a format error, got {other:?}"),
            Ok(_) => panic!("expected a format error, got a vocabulary"),
        }
    }

    const GOOD: &str = "# comment\n\
        category\tpottery\nja\t陶器\nweight\t9\nmaterials\t有田焼\tdummy\n\
        features\t手びねり\nuses\t誕生日\nphrases\tひとつめ。\nphrases\tふたつめ。\n\n\
        style\tmugs\nprice\t2200\t5500\nnouns\tマグ\nmods\t小ぶりな\nsizes\t300ml\n\
        details\tいち。\ndetails\tに。\n";

    #[test]
    fn shipped_files_parse() {
        let v = Vocabulary::builtin().unwrap();
        assert_eq!(v.categories.len(), 18);
        assert_eq!(v.groups().len(), 63);
        assert_eq!(v.categories[0].slug, "accessories");
        assert_eq!(v.categories[0].styles[0].nouns[0], "ピアス");
        assert_eq!(v.shared.poetic_names.len(), 20);
    }

    #[test]
    fn a_small_file_parses_in_order() {
        let cats = categories(GOOD).unwrap();
        assert_eq!(cats.len(), 1);
        let c = &cats[0];
        assert_eq!((c.slug, c.ja, c.weight), ("pottery", "陶器", 9));
        assert_eq!(c.materials, ["有田焼", "dummy"]);
        assert_eq!(c.phrases, ["ひとつめ。", "ふたつめ。"]);
        assert!(c.colors.is_empty() && c.openings.is_empty());
        let s = &c.styles[0];
        assert_eq!((s.slug, s.price), ("mugs", (2200, 5500)));
        assert_eq!(s.details, ["いち。", "に。"]);
    }

    #[test]
    fn malformed_files_name_the_file_and_line() {
        let cases: [(&'static str, &str); 14] = [
            ("category\ta\nja\tx\nja\ty\n", "cats.tsv:3: \"ja\" is given twice"),
            ("ja\t陶器\n", "cats.tsv:1: \"ja\" before the first \"category\" line"),
            ("category\ta\nja\n", "cats.tsv:2: \"ja\" has no values"),
            ("category\ta\nja\tx\ty\n", "cats.tsv:2: \"ja\" takes one value, found 2"),
            ("category\ta\nweight\tmany\n", "cats.tsv:2: \"weight\" must be a whole number, found \"many\""),
            ("category\ta\nmaterials\tx\t\ty\n", "cats.tsv:2: \"materials\" has an empty value or one with surrounding spaces: \"\""),
            ("category\ta\nmaterials\tx \n", "cats.tsv:2: \"materials\" has an empty value or one with surrounding spaces: \"x \""),
            ("category\ta\n colors\tx\n", "cats.tsv:2: a line starts with a key, found \" colors\""),
            ("category\ta\ncolour\tx\n", "cats.tsv:2: unknown category key \"colour\""),
            ("category\ta\nstyle\ts\ncolors\tx\n", "cats.tsv:3: unknown style key \"colors\" (a category's own keys come before its first style)"),
            ("category\ta\nstyle\ts\nprice\t9\n", "cats.tsv:3: \"price\" takes two values (lowest, highest), found 1"),
            ("category\ta\nstyle\ts\nprice\t9\t8\n", "cats.tsv:3: \"price\" must be given once as 0 < lowest <= highest, found 9 8"),
            ("category\ta\nja\tx\nweight\t1\nfeatures\tf\nuses\tu\n", "cats.tsv:1: category \"a\" has no \"phrases\""),
            ("", "cats.tsv: no categories"),
        ];
        for (text, want) in cases {
            assert_eq!(format_error(categories(text)), want, "{text:?}");
        }
        // A style missing a list is named at its own line.
        let no_details = GOOD.replace("details\tいち。\ndetails\tに。\n", "");
        let no_details: &'static str = Box::leak(no_details.into_boxed_str());
        assert_eq!(
            format_error(categories(no_details)),
            "cats.tsv:11: style \"mugs\" has no \"details\""
        );
        let twice: &'static str = Box::leak(format!("{GOOD}{GOOD}").into_boxed_str());
        assert_eq!(
            format_error(categories(twice)),
            "cats.tsv:19: category \"pottery\" is given twice"
        );
        assert_eq!(
            format_error(parse_shared((
                "shared.tsv",
                "poetic_names\tしずく\nnames\tx\n"
            ))),
            "shared.tsv:2: unknown key \"names\""
        );
        assert_eq!(
            format_error(parse_shared(("shared.tsv", "poetic_names\tしずく\n"))),
            "shared.tsv: \"title_prefixes\" is missing"
        );
    }

    /// Rules the generator relies on beyond the parser's: one sentence per
    /// sentence entry, unique slugs, 2–4 styles per category.
    #[test]
    fn vocabulary_tables_are_consistent() {
        let v = Vocabulary::builtin().unwrap();
        let one_sentence = |x: &str| x.ends_with('。') && x.matches('。').count() == 1;
        let mut slugs = HashSet::new();
        for cat in &v.categories {
            assert!(slugs.insert(cat.slug), "{}", cat.slug);
            assert!((2..=4).contains(&cat.styles.len()), "{}", cat.slug);
            assert!(
                cat.phrases.len() >= 2 && cat.phrases.iter().all(|x| one_sentence(x)),
                "{}",
                cat.slug
            );
            for st in &cat.styles {
                assert!(
                    st.details.len() >= 2 && st.details.iter().all(|x| one_sentence(x)),
                    "{}/{}",
                    cat.slug,
                    st.slug
                );
            }
        }
        let s = &v.shared;
        for list in [
            &s.default_openings,
            &s.occasion_sentences,
            &s.closings,
            &s.free_shipping_notes,
        ] {
            assert!(list.iter().all(|x| one_sentence(x)), "{list:?}");
        }
    }
}
