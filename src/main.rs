//! The page's entry point: Trunk builds this binary and the page loads it.

fn main() {
    timonel_web::start();
}
