//! The columns of a generic pane: those the server's Table defines for the kind (a
//! CRD's `additionalPrinterColumns` included), read from each row's cells. NAME and AGE
//! are kdeck's own (AGE live from creationTimestamp, not the server's text of when it
//! listed); the others sort as numbers when the server says they are.
//!
//! A [`Column`] holds plain function pointers; a server column's cell reads its index
//! through a function made per index ([`cell_at`]), and its title is interned (a few
//! distinct names per cluster), so a generic pane's columns are `&'static` like the typed
//! ones and the table engine needs no second path.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use super::{AGE, CellContext, Column, NAME, Width, by_name, fill};
use crate::cluster::model::{Detail, Row, ServerColumn};

/// The most server columns a pane shows (kubectl's wide output of any kind has fewer).
pub const MAX_SERVER_COLUMNS: usize = 24;

fn cell<'a, const I: usize>(r: &'a Row, _: &CellContext) -> Cow<'a, str> {
    match &r.detail {
        Detail::Table(t) => Cow::Borrowed(t.cells.get(I).map_or("", |c| &**c)),
        _ => Cow::Borrowed(""),
    }
}

fn text_at<const I: usize>(r: &Row) -> &str {
    match &r.detail {
        Detail::Table(t) => t.cells.get(I).map_or("", |c| &**c),
        _ => "",
    }
}

fn cmp_text<const I: usize>(a: &Row, b: &Row) -> Ordering {
    text_at::<I>(a)
        .cmp(text_at::<I>(b))
        .then_with(|| by_name(a, b))
}

fn cmp_number<const I: usize>(a: &Row, b: &Row) -> Ordering {
    let number = |r: &Row| text_at::<I>(r).trim().parse::<f64>().ok();
    number(a)
        .partial_cmp(&number(b))
        .unwrap_or(Ordering::Equal)
        .then_with(|| by_name(a, b))
}

type CellFn = for<'a> fn(&'a Row, &CellContext) -> Cow<'a, str>;
type CmpFn = fn(&Row, &Row) -> Ordering;

macro_rules! per_index {
    ($f:ident: $($i:literal)*) => { [$($f::<$i> as _),*] };
}

static CELLS: [CellFn; MAX_SERVER_COLUMNS] =
    per_index!(cell: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23);
static TEXT_ORDER: [CmpFn; MAX_SERVER_COLUMNS] =
    per_index!(cmp_text: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23);
static NUMBER_ORDER: [CmpFn; MAX_SERVER_COLUMNS] =
    per_index!(cmp_number: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23);

/// The cell function of server column `index` (tests).
pub fn cell_at(index: usize) -> Option<CellFn> {
    CELLS.get(index).copied()
}

/// The pane's columns for the server's `columns`: NAME, then each column of the server
/// in its order (AGE live), the `-o wide` ones first to go on a narrow terminal.
pub fn server_columns(columns: &[ServerColumn]) -> Vec<&'static Column> {
    columns
        .iter()
        .take(MAX_SERVER_COLUMNS)
        .enumerate()
        .map(|(i, c)| match () {
            () if c.format == "name" || (i == 0 && c.name.eq_ignore_ascii_case("name")) => &NAME,
            () if c.name.eq_ignore_ascii_case("age") => &AGE,
            () => interned(i, c),
        })
        .collect()
}

/// The interned column for server column `c` at `index`.
fn interned(index: usize, c: &ServerColumn) -> &'static Column {
    static MADE: Mutex<Option<HashMap<(usize, ServerColumn), &'static Column>>> = Mutex::new(None);
    let mut made = MADE.lock().unwrap_or_else(PoisonError::into_inner);
    let made = made.get_or_insert_with(HashMap::new);
    if let Some(column) = made.get(&(index, c.clone())) {
        return column;
    }
    let numeric = matches!(c.type_.as_str(), "integer" | "number");
    let title: &'static str = Box::leak(c.name.to_uppercase().into_boxed_str());
    let min = u16::try_from(title.len().clamp(5, 24)).unwrap_or(8);
    let column: &'static Column = Box::leak(Box::new(Column {
        title,
        width: if numeric {
            Width::Fixed(min.max(7))
        } else {
            fill(min, 1)
        },
        // The server's own columns keep their order of importance; `-o wide` ones go first.
        priority: if c.priority > 0 {
            60u8.saturating_sub(u8::try_from(index).unwrap_or(60))
        } else {
            200u8.saturating_sub(u8::try_from(index).unwrap_or(200))
        },
        cell: CELLS[index],
        cmp: if numeric {
            NUMBER_ORDER[index]
        } else {
            TEXT_ORDER[index]
        },
        fixed_order: false,
    }));
    made.insert((index, c.clone()), column);
    column
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::model::{Meta, TableRow};
    use crate::cluster::{Health, Row};

    fn col(name: &str, type_: &str, format: &str) -> ServerColumn {
        ServerColumn {
            name: name.into(),
            type_: type_.into(),
            format: format.into(),
            priority: 0,
        }
    }

    fn row(name: &str, cells: &[&str]) -> Row {
        Row {
            meta: Meta {
                name: name.into(),
                ..Meta::default()
            },
            detail: Detail::Table(TableRow {
                cells: cells.iter().map(|c| Box::from(*c)).collect(),
            }),
            health: Health::Neutral,
        }
    }

    #[test]
    fn name_and_age_are_kdecks_and_the_rest_read_their_cell() {
        let defs = [
            col("Name", "string", "name"),
            col("Color", "string", ""),
            col("Size", "integer", ""),
            col("Age", "date", ""),
        ];
        let columns = server_columns(&defs);
        let titles: Vec<&str> = columns.iter().map(|c| c.title).collect();
        assert_eq!(titles, ["NAME", "COLOR", "SIZE", "AGE"]);
        let ctx = CellContext {
            now: jiff::Timestamp::UNIX_EPOCH,
        };
        let (a, b) = (
            row("a", &["a", "red", "10", "5m"]),
            row("b", &["b", "blue", "9", "1m"]),
        );
        assert_eq!((columns[1].cell)(&a, &ctx), "red");
        assert_eq!(
            (columns[2].cmp)(&a, &b),
            Ordering::Greater,
            "10 > 9 as numbers"
        );
        assert_eq!(
            (columns[1].cmp)(&a, &b),
            Ordering::Greater,
            "red > blue as text"
        );
        assert!(
            std::ptr::eq(server_columns(&defs)[1], columns[1]),
            "interned"
        );
    }
}
