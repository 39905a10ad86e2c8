//! How much each field and kind of match counts, and the index settings
//! the binary chooses.

/// Field weights, tuned on the judgments in `eval/questions.tsv`.
#[derive(Clone, Copy, Debug)]
pub struct Weights {
    pub title: f32,
    pub headings: f32,
    pub body: f32,
    pub path: f32,
    pub description: f32,
    pub tie_breaker: f32,
    pub synonym: f32,
    pub phrase_bonus: f32,
    pub fuzzy: f32,
    pub prefix: f32,
}

/// How a search index behaves, chosen by the binary from its configuration.
#[derive(Clone, Copy, Debug)]
pub struct SearchSettings {
    /// Remember results per index version (on unless turned off for measuring).
    pub cache: bool,
    pub weights: Weights,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings {
            cache: true,
            weights: Weights::default(),
        }
    }
}

impl Weights {
    /// The default weights with some replaced, from `title=2,body=1,…`
    /// (for tuning); names an unknown weight or a bad number.
    pub fn parse(spec: &str) -> std::result::Result<Weights, String> {
        let mut w = Weights::default();
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}` is not name=number"))?;
            let v: f32 = v
                .trim()
                .parse()
                .map_err(|_| format!("`{}` is not a number", v.trim()))?;
            match k.trim() {
                "title" => w.title = v,
                "headings" => w.headings = v,
                "body" => w.body = v,
                "path" => w.path = v,
                "description" => w.description = v,
                "tie_breaker" => w.tie_breaker = v,
                "synonym" => w.synonym = v,
                "phrase_bonus" => w.phrase_bonus = v,
                "fuzzy" => w.fuzzy = v,
                "prefix" => w.prefix = v,
                other => return Err(format!("`{other}` is not a search weight")),
            }
        }
        Ok(w)
    }
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            title: 2.0,
            headings: 1.5,
            body: 1.0,
            path: 2.0,
            description: 1.2,
            tie_breaker: 0.3,
            synonym: 0.7,
            phrase_bonus: 1.0,
            fuzzy: 1.0,
            prefix: 0.3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Weights;

    #[test]
    fn weights_parse_by_name_and_refuse_unknown_names() {
        let w = Weights::parse("title=3, body=0.5").expect("weights");
        assert_eq!((w.title, w.body), (3.0, 0.5));
        assert_eq!(w.headings, Weights::default().headings);
        assert!(
            Weights::parse("titel=3")
                .expect_err("name")
                .contains("titel")
        );
        assert!(
            Weights::parse("title=x")
                .expect_err("number")
                .contains("`x`")
        );
        assert!(Weights::parse("title").is_err());
    }
}
